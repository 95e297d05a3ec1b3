# cmake --install: header, library, CMake package (p2pcdn::p2pcdn) and p2pcdn.pc.
include(CMakePackageConfigHelpers)

set(P2PCDN_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/p2pcdn")

install(TARGETS p2pcdn EXPORT p2pcdnTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# p2pcdn.h and the parts it includes, plus the generated version header.
file(GLOB P2PCDN_PUBLIC_HEADERS "${PROJECT_SOURCE_DIR}/include/p2pcdn/*.h")
install(FILES ${P2PCDN_PUBLIC_HEADERS}
  "${PROJECT_BINARY_DIR}/include/p2pcdn/p2pcdn_version.h"
  DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/p2pcdn")
install(EXPORT p2pcdnTargets NAMESPACE p2pcdn:: DESTINATION "${P2PCDN_CMAKE_DIR}")

configure_package_config_file(cmake/p2pcdnConfig.cmake.in
  "${PROJECT_BINARY_DIR}/p2pcdnConfig.cmake"
  INSTALL_DESTINATION "${P2PCDN_CMAKE_DIR}")
write_basic_package_version_file("${PROJECT_BINARY_DIR}/p2pcdnConfigVersion.cmake"
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/p2pcdnConfig.cmake"
  "${PROJECT_BINARY_DIR}/p2pcdnConfigVersion.cmake"
  DESTINATION "${P2PCDN_CMAKE_DIR}")

# A shared libp2pcdn carries its dependencies itself; a static one hands them to the consumer's
# link, so they become plain Requires and Libs there.
if(P2PCDN_BUILD_SHARED)
  set(P2PCDN_PC_REQUIRES "Requires.private: libcurl openssl fmt")
  set(P2PCDN_PC_LIBS "-L\${libdir} -lp2pcdn")
  set(P2PCDN_PC_CFLAGS "")
else()
  set(P2PCDN_PC_REQUIRES "Requires: libcurl openssl fmt")
  set(P2PCDN_PC_LIBS "-L\${libdir} -lp2pcdn -lstdc++ -lm")
  set(P2PCDN_PC_CFLAGS "-DP2PCDN_STATIC")
endif()
configure_file(cmake/p2pcdn.pc.in "${PROJECT_BINARY_DIR}/p2pcdn.pc" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/p2pcdn.pc" DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
