# Writes a help2man --include file with the --help of each activation-client
# subcommand, so its man page documents every flag, not only the list of
# subcommands. Run with -DCLIENT=<binary> -DOUTPUT=<file>.
set(text "[SUBCOMMANDS]\n")
foreach(sub eval grad list health bench)
  execute_process(COMMAND ${CLIENT} ${sub} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${CLIENT} ${sub} --help failed")
  endif()
  string(REPLACE "${CLIENT}" "activation-client" help "${help}")
  string(REPLACE "\\" "\\e" help "${help}")
  string(APPEND text ".SS ${sub}\n.nf\n${help}.fi\n")
endforeach()
file(WRITE ${OUTPUT} "${text}")
