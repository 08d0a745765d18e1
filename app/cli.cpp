#include "app/cli.hpp"

#include <cstdio>

namespace baton::app {

int run_cli(int, char**) {
  std::fputs("baton: not built yet\n", stderr);
  return 2;
}

}  // namespace baton::app
