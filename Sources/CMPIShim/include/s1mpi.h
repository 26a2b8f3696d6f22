// Open MPI for s1-sft's data-parallel training, through a shim because MPI's handles (MPI_COMM_WORLD,
// MPI_FLOAT, MPI_SUM, MPI_IN_PLACE) are macros Swift cannot import. The library is opened at run time
// (dlopen of libmpi.so.40) only when the process was started by mpirun, so the tools build and run where
// MPI is not installed, and without mpirun nothing changes.
#ifndef S1MPI_H
#define S1MPI_H
#include <stddef.h>

// 1: running under mpirun with MPI initialized (rank, size set); 0: not under mpirun (rank 0 of 1);
// -1: under mpirun but MPI could not be loaded or initialized (s1_mpi_error says why).
int s1_mpi_init(int *rank, int *size);
const char *s1_mpi_error(void);
// In-place sums over all ranks; 0 on success.
int s1_mpi_allreduce_sum_f32(float *buf, size_t n);
int s1_mpi_allreduce_sum_f64(double *buf, size_t n);
int s1_mpi_barrier(void);
// Ends every rank of the job with `code` (a rank that cannot go on).
void s1_mpi_abort(int code);
void s1_mpi_finalize(void);
// When mpirun stops the job (SIGTERM: another rank died), say so on stderr and exit 70.
void s1_mpi_on_stop(const char *message);
#endif
