# cmake -DBUILD_DIR=... -DPREFIX=... -P install_fresh.cmake: install the build into an empty
# PREFIX, so the consumers see exactly what `cmake --install` ships.
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
