#include "app/cli.hpp"

int main(int argc, char** argv) { return baton::app::run_cli(argc, argv); }
