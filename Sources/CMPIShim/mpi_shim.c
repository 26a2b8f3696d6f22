// See include/s1mpi.h. Open MPI 4's predefined handles are the addresses of its exported globals
// (ompi_mpi_comm_world, ompi_mpi_float, ...), so dlsym yields exactly what the macros expand to.
#include "s1mpi.h"
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef void *handle;
static int (*p_init)(int *, char ***);
static int (*p_rank)(handle, int *);
static int (*p_size)(handle, int *);
static int (*p_allreduce)(const void *, void *, int, handle, handle, handle);
static int (*p_barrier)(handle);
static int (*p_abort)(handle, int);
static int (*p_finalize)(void);
static handle comm_world, t_float, t_double, op_sum;
static int active;
static char err[512];

const char *s1_mpi_error(void) { return err; }

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p && !err[0]) snprintf(err, sizeof err, "libmpi has no symbol %s (Open MPI 4 is expected)", name);
    return p;
}

int s1_mpi_init(int *rank, int *size) {
    *rank = 0; *size = 1;
    if (!getenv("OMPI_COMM_WORLD_SIZE")) return 0;
    void *lib = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) { snprintf(err, sizeof err, "started by mpirun, but libmpi.so.40 cannot be loaded: %s", dlerror()); return -1; }
    p_init = sym(lib, "MPI_Init"); p_rank = sym(lib, "MPI_Comm_rank"); p_size = sym(lib, "MPI_Comm_size");
    p_allreduce = sym(lib, "MPI_Allreduce"); p_barrier = sym(lib, "MPI_Barrier"); p_abort = sym(lib, "MPI_Abort");
    p_finalize = sym(lib, "MPI_Finalize");
    comm_world = sym(lib, "ompi_mpi_comm_world"); t_float = sym(lib, "ompi_mpi_float");
    t_double = sym(lib, "ompi_mpi_double"); op_sum = sym(lib, "ompi_mpi_op_sum");
    if (err[0]) return -1;
    if (p_init(NULL, NULL) != 0) { snprintf(err, sizeof err, "MPI_Init failed"); return -1; }
    p_rank(comm_world, rank);
    p_size(comm_world, size);
    active = 1;
    return 1;
}

#define IN_PLACE ((void *)1)   // Open MPI's MPI_IN_PLACE

static int allreduce(void *buf, size_t n, size_t width, handle type) {
    if (!active) return 0;
    char *p = buf;
    // MPI counts are int: large buffers go in chunks, in order.
    while (n > 0) {
        int c = n > (size_t)(INT_MAX / 2) ? INT_MAX / 2 : (int)n;
        if (p_allreduce(IN_PLACE, p, c, type, op_sum, comm_world) != 0) return -1;
        p += (size_t)c * width; n -= (size_t)c;
    }
    return 0;
}

int s1_mpi_allreduce_sum_f32(float *buf, size_t n) { return allreduce(buf, n, sizeof(float), t_float); }
int s1_mpi_allreduce_sum_f64(double *buf, size_t n) { return allreduce(buf, n, sizeof(double), t_double); }
int s1_mpi_barrier(void) { return active ? p_barrier(comm_world) : 0; }
void s1_mpi_abort(int code) { if (active) p_abort(comm_world, code); exit(code); }
void s1_mpi_finalize(void) { if (active) { p_finalize(); active = 0; } }

static char stop_message[512];
static size_t stop_length;

static void on_term(int sig) {
    (void)sig;
    ssize_t w = write(2, stop_message, stop_length);
    (void)w;
    _exit(70);
}

void s1_mpi_on_stop(const char *message) {
    snprintf(stop_message, sizeof stop_message, "%s\n", message);
    stop_length = strlen(stop_message);
    signal(SIGTERM, on_term);
}
