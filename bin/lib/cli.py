"""What the command-line tools in bin/ share: their argparse parser."""
import argparse
import sys

EXIT_USAGE = 2


class Parser(argparse.ArgumentParser):
    """A usage error is the usage line and one line "TOOL: what is wrong (see TOOL --help)", exit 2."""

    def error(self, message):
        tool = self.prog.split()[0]  # a subcommand's parser is "TOOL COMMAND"
        self.print_usage(sys.stderr)
        sys.stderr.write("%s: %s (see %s --help)\n" % (tool, message, tool))
        sys.exit(EXIT_USAGE)
