-- wrk script: the sync hot path, 70% read one blob, 20% write one 4 KiB blob, 10% read config
-- (a token lookup plus a small read), spread over the accounts whose session tokens are in BENCH_TOKENS;
-- the blob is of the server's first data type (BENCH_TYPES, which bench/setup.py wrote).
local tokens = {}
for line in io.lines(os.getenv("BENCH_TOKENS")) do tokens[#tokens + 1] = line end
local path = "/api/sync/data/" .. io.lines(os.getenv("BENCH_TYPES"))()
local f = io.open(os.getenv("BENCH_BLOB"))
local blob = f:read("*a")
f:close()

-- each wrk thread (and each wrk process, BENCH_SEED) walks its own random sequence of accounts
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  math.randomseed(os.time() + 7919 * (id or 0) + 104729 * tonumber(os.getenv("BENCH_SEED") or "0"))
end

request = function()
  local t = tokens[math.random(#tokens)]
  local h = { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }
  local r = math.random(100)
  if r <= 70 then
    return wrk.format("GET", path, h)
  elseif r <= 90 then
    return wrk.format("PUT", path, h, blob)
  else
    return wrk.format("GET", "/api/sync/config", h)
  end
end
