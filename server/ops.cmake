# Operations plug-ins of activation-server: Prometheus metrics,
# TLS credentials, call limits. Included by server/CMakeLists.txt after
# activation_server_lib is defined.
find_package(prometheus-cpp CONFIG REQUIRED)

target_sources(activation_server_lib PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/admission.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics.cc
  ${CMAKE_CURRENT_LIST_DIR}/metrics_interceptor.cc
  ${CMAKE_CURRENT_LIST_DIR}/operations.cc
  ${CMAKE_CURRENT_LIST_DIR}/process_metrics.cc
  ${CMAKE_CURRENT_LIST_DIR}/tls.cc)
target_link_libraries(activation_server_lib PUBLIC
  prometheus-cpp::core
  prometheus-cpp::pull)
