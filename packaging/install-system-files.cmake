# Installs the systemd unit and the /etc/default file (packaging/CMakeLists.txt
# says why this runs at install time). ExecStart and EnvironmentFile name the
# installed paths.
set(prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(etc_dir /etc)
  set(unit_dir /lib/systemd/system)
else()
  set(etc_dir "${prefix}/etc")
  set(unit_dir "${prefix}/lib/systemd/system")
endif()
set(ACTIVATION_SERVER_BIN "${prefix}/${ACTIVATION_BINDIR}/activation-server")
set(ACTIVATION_DEFAULT_FILE "${etc_dir}/default/activation-server")
configure_file("${ACTIVATION_PACKAGING_SOURCE_DIR}/activation-server.service.in"
               "${ACTIVATION_PACKAGING_BINARY_DIR}/unit/activation-server.service" @ONLY)
file(INSTALL DESTINATION "${unit_dir}" TYPE FILE
     FILES "${ACTIVATION_PACKAGING_BINARY_DIR}/unit/activation-server.service")
file(INSTALL DESTINATION "${etc_dir}/default" TYPE FILE RENAME activation-server
     FILES "${ACTIVATION_PACKAGING_SOURCE_DIR}/activation-server.default")
