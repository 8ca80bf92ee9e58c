# -DSESMON_SANITIZE=ON builds everything with ASan and UBSan; UBSan findings abort.
# -DSESMON_FUZZ=ON (clang) does the same plus libFuzzer's coverage instrumentation.
# -fsanitize=function is left out there: clang 14 cannot emit it for coroutines ("Cannot
# represent a difference across sections").
# cmake/sanitizer-ignorelist.txt names third-party code clang's UBSan must not instrument.
if(SESMON_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                      -fno-sanitize-recover=undefined -fno-omit-frame-pointer
                      -fsanitize-ignorelist=${CMAKE_CURRENT_SOURCE_DIR}/cmake/sanitizer-ignorelist.txt)
  add_link_options(-fsanitize=address,undefined)
elseif(SESMON_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=undefined
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
