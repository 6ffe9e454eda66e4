# Operations tests: TLS, metrics, limits, shutdown under load.
# Included by tests/server/CMakeLists.txt (needs server_test_std_protos).
add_executable(server_ops_test
  ops_config_test.cc
  ops_limits_test.cc
  ops_metrics_test.cc
  ops_tls_test.cc)
target_link_libraries(server_ops_test PRIVATE
  activation_server_lib server_test_std_protos GTest::gtest_main Threads::Threads)
target_compile_definitions(server_ops_test PRIVATE
  OPS_MAKE_CERTS="${CMAKE_CURRENT_SOURCE_DIR}/ops_make_certs.sh"
  CLIENT_BINARY="$<TARGET_FILE:activation-client>")
add_dependencies(server_ops_test activation-client)
gtest_discover_tests(server_ops_test PROPERTIES TIMEOUT 120)

add_executable(server_ops_shutdown_test ops_shutdown_test.cc)
target_link_libraries(server_ops_shutdown_test PRIVATE
  activation_proto server_test_std_protos GTest::gtest_main Threads::Threads)
target_compile_definitions(server_ops_shutdown_test PRIVATE
  SERVER_BINARY="$<TARGET_FILE:activation-server>")
add_dependencies(server_ops_shutdown_test activation-server)
gtest_discover_tests(server_ops_shutdown_test PROPERTIES TIMEOUT 120)
