# Warning flags for the project's own targets (not for third-party code).
function(sesmon_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wimplicit-fallthrough)
  if(SESMON_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
