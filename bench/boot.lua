-- wrk script: "app boot", what the desktop app does when it starts: GET each data type's blob (4 KiB each,
-- seeded by bench/setup.py) of one account, then the next account (tokens in BENCH_TOKENS; the server's
-- data types in BENCH_TYPES, which bench/setup.py wrote from GET /api/sync/limits).
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local types = {}
for line in io.lines(os.getenv("BENCH_TYPES")) do types[#types + 1] = line end

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

local i, auth = 0, nil
function init(args)
  math.randomseed(os.time() + 7919 * (id or 0) + 104729 * tonumber(os.getenv("BENCH_SEED") or "0"))
end

request = function()
  if i % #types == 0 then auth = "Bearer " .. tokens[math.random(#tokens)] end
  local t = types[i % #types + 1]
  i = i + 1
  return wrk.format("GET", "/api/sync/data/" .. t, { ["Authorization"] = auth })
end
