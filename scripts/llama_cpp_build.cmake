# Tweaks for the one llama.cpp build of `make install` (scripts/install_llama_cpp.sh).
# Passed as CMAKE_PROJECT_INCLUDE, so CMake includes it after every project() call; the guard
# keeps the first (top-level) one. At the end of the top-level directory every target exists,
# and the C++ that only llama-server needs (its HTTP layer, llama.cpp's `common` helpers, the
# multimodal library it links) is compiled at -O1 and as a unity build (CMake joins a target's
# sources into a few files, so the headers each one includes are parsed and their templates
# compiled once per batch, not once per file): that is most of the compile time, and none of it
# is in the token loop. ggml and libllama keep the release -O3 and their own build, so tokens/s is
# unchanged. (libllama already builds its model files as one unity build.)
# llama-server links the shared library llama-server-impl, which llama.cpp installs only with
# all its tools (LLAMA_TOOLS_INSTALL): it is installed here on its own.
include_guard(GLOBAL)

set(PROMPTBUDGET_SERVER_ONLY_TARGETS
    llama-common mtmd server-context llama-server-impl llama-server llama-ui cpp-httplib)

# Sources that cannot share a unity file: mtmd-helper refuses mtmd's internal headers, and
# common/json.cpp's `using nlohmann::ordered_json` clashes with chat-peg-parser.cpp's alias.
set(PROMPTBUDGET_NOT_UNITY_SOURCES_REGEX "/mtmd-helper[^/]*$|/common/json\\.cpp$")

# Four sources a batch: bigger batches parse less but leave one core idle at the end of the build,
# compiling one long file.
set(PROMPTBUDGET_UNITY_BATCH_SIZE 4)

function(promptbudget_unity_build target)
    get_target_property(sources ${target} SOURCES)
    get_target_property(source_dir ${target} SOURCE_DIR)
    set(apart "")
    foreach(source IN LISTS sources)
        if(IS_ABSOLUTE "${source}")
            set(path "${source}")
        else()
            set(path "${source_dir}/${source}")
        endif()
        if(path MATCHES "${PROMPTBUDGET_NOT_UNITY_SOURCES_REGEX}")
            list(APPEND apart "${path}")
        endif()
    endforeach()
    if(apart)
        # Relative paths would be read against this file's directory, not the target's.
        set_source_files_properties(${apart} DIRECTORY "${source_dir}"
            PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
    endif()
    set_property(TARGET ${target} PROPERTY UNITY_BUILD ON)
    set_property(TARGET ${target} PROPERTY UNITY_BUILD_BATCH_SIZE ${PROMPTBUDGET_UNITY_BATCH_SIZE})
endfunction()

function(promptbudget_lower_server_optimisation)
    foreach(target IN LISTS PROMPTBUDGET_SERVER_ONLY_TARGETS)
        if(TARGET ${target})
            set_property(TARGET ${target} APPEND PROPERTY COMPILE_OPTIONS -O1)
            get_target_property(type ${target} TYPE)
            if(NOT type STREQUAL "UTILITY")
                promptbudget_unity_build(${target})
            endif()
        endif()
    endforeach()
    install(TARGETS llama-server-impl LIBRARY)
endfunction()

cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL promptbudget_lower_server_optimisation)
