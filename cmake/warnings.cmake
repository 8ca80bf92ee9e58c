# Warning flags for the project's own targets (not for third-party code).
function(sesmon_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough
    # Designated initializers that leave members at their defaults are the intended style
    # for option structs (http_request{.url = ...}); GCC warns about every one.
    -Wno-missing-field-initializers
    # False positive on Asio coroutine frames with GCC 12 (GCC bug 109224).
    -Wno-mismatched-new-delete)
  if(SESMON_UNITY)
    # A unity batch #includes its .cpp files one after the other, which makes two false
    # warnings: GCC takes a type in one file's anonymous namespace, used by a class of that
    # file, for a header's type used from another translation unit (subobject-linkage); and
    # a local variable named like another file's namespace-scope constant "shadows" it.
    # So shadowing is checked between locals and parameters only (what catches real
    # mistakes); -DSESMON_UNITY=OFF checks the global kind too.
    target_compile_options(${target} PRIVATE -Wno-subobject-linkage -Wshadow=local)
  else()
    target_compile_options(${target} PRIVATE -Wshadow)
  endif()
  if(SESMON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
