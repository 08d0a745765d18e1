# One place for the warning flags every baton target is built with.
function(baton_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wconversion -Wno-sign-conversion -Wimplicit-fallthrough)
endfunction()

# A baton library made of every .cpp file in the calling folder, with namespaced alias
# baton::<name> and explicit PUBLIC/PRIVATE dependencies.
function(baton_library name)
  cmake_parse_arguments(ARG "" "" "PUBLIC;PRIVATE" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_library(baton_${name} STATIC ${sources})
  set_target_properties(baton_${name} PROPERTIES LINKER_LANGUAGE CXX)
  add_library(baton::${name} ALIAS baton_${name})
  target_include_directories(baton_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(baton_${name} PUBLIC ${ARG_PUBLIC} PRIVATE ${ARG_PRIVATE})
  baton_warnings(baton_${name})
endfunction()
