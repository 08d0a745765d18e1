#pragma once
// The `baton` command line: parses arguments and dispatches to the commands.
namespace baton::app {

/// Runs `baton` with the process arguments; returns the exit status.
int run_cli(int argc, char** argv);

}  // namespace baton::app
