# Warning flags for the project's own targets (not for third-party code).
function(sesmon_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough
    # Designated initializers that leave members at their defaults are the intended style
    # for option structs (http_request{.url = ...}); GCC warns about every one.
    -Wno-missing-field-initializers
    # False positive on Asio coroutine frames with GCC 12 (GCC bug 109224).
    -Wno-mismatched-new-delete)
  if(SESMON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
