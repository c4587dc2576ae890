# Runs `slowpath-cli walk FILE` and checks that it refuses the file with
# exit status 2 and the expected file:line:column message on stderr.
execute_process(COMMAND "${CLI}" walk "${FILE}"
                RESULT_VARIABLE status
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT status EQUAL 2)
  message(FATAL_ERROR "expected exit status 2, got ${status}\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "${EXPECT}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "stderr lacks \"${EXPECT}\":\n${err}")
endif()
if(NOT out STREQUAL "")
  message(FATAL_ERROR "nothing should run for a broken file, but stdout has:\n${out}")
endif()
