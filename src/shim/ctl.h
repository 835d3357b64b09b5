/* `minirun-shim ctl --socket PATH OP [JSON-ARGS]`: one request on a shim's
 * control socket, each response line printed as it comes; exit 0 when the
 * response is ok, 1 otherwise. With "stdin": true in the arguments (attach,
 * exec) ctl's own stdin goes to the process as stdin messages, and its end
 * as {"op":"stdin","eof":true}. For scripts and tests. */
#ifndef MINIRUN_SHIM_CTL_H
#define MINIRUN_SHIM_CTL_H

/* argv[0] is "ctl". */
int shim_ctl_main(int argc, char **argv);

#endif
