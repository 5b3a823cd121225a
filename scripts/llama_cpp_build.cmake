# Tweaks for the one llama.cpp build of `make install` (scripts/install_llama_cpp.sh).
# Passed as CMAKE_PROJECT_INCLUDE, so CMake includes it after every project() call; the guard
# keeps the first (top-level) one. At the end of the top-level directory every target exists,
# and the C++ that only llama-server needs (its HTTP layer, llama.cpp's `common` helpers, the
# multimodal library it links) is compiled at -O1: that is most of the compile time, and none
# of it is in the token loop. ggml and libllama keep the release -O3, so tokens/s is unchanged.
# llama-server links the shared library llama-server-impl, which llama.cpp installs only with
# all its tools (LLAMA_TOOLS_INSTALL): it is installed here on its own.
include_guard(GLOBAL)

set(PROMPTBUDGET_SERVER_ONLY_TARGETS
    llama-common mtmd server-context llama-server-impl llama-server llama-ui cpp-httplib)

function(promptbudget_lower_server_optimisation)
    foreach(target IN LISTS PROMPTBUDGET_SERVER_ONLY_TARGETS)
        if(TARGET ${target})
            set_property(TARGET ${target} APPEND PROPERTY COMPILE_OPTIONS -O1)
        endif()
    endforeach()
    install(TARGETS llama-server-impl LIBRARY)
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL promptbudget_lower_server_optimisation)
