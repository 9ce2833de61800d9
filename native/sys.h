// The system calls sockfd makes, each one traced (trace.cc). Every call site in the addon goes through
// these, the sync bindings and the readiness engine's retries alike, so that SOCKFD_TRACE=1 shows the
// real calls: one line per call, in strace's format, written to stderr after the call returns. Whether
// a thread (one Node environment: the main thread or a Worker) traces starts as SOCKFD_TRACE says, and
// the JS trace() switches it.
// Each wrapper has the libc signature, makes exactly that one call and leaves errno as the call set it.
#pragma once

#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>

namespace sockfd {

namespace sys {

int socket(int domain, int type, int protocol);
int socketpair(int domain, int type, int protocol, int sv[2]);
int close(int fd);
int shutdown(int fd, int how);
// fcntl with an int argument (the commands that take none ignore it); ioctl with an int pointer
// (FIONBIO, FIONREAD...)
int fcntl(int fd, int cmd, int arg);
int ioctl_int(int fd, unsigned long request, int* value);
int dup(int fd);
int dup2(int oldfd, int newfd);
int dup3(int oldfd, int newfd, int flags);
ssize_t sendfile(int out_fd, int in_fd, off_t* offset, size_t count);

int bind(int fd, const sockaddr* addr, socklen_t len);
int listen(int fd, int backlog);
int accept4(int fd, sockaddr* addr, socklen_t* len, int flags);  // accept() where there is no accept4
int connect(int fd, const sockaddr* addr, socklen_t len);
int getsockname(int fd, sockaddr* addr, socklen_t* len);
int getpeername(int fd, sockaddr* addr, socklen_t* len);

// send/recv are glibc's names for sendto/recvfrom without an address; traced as those, as strace shows.
ssize_t send(int fd, const void* buf, size_t len, int flags);
ssize_t recv(int fd, void* buf, size_t len, int flags);
ssize_t sendto(int fd, const void* buf, size_t len, int flags, const sockaddr* addr, socklen_t addrlen);
ssize_t recvfrom(int fd, void* buf, size_t len, int flags, sockaddr* addr, socklen_t* addrlen);
ssize_t read(int fd, void* buf, size_t len);
ssize_t write(int fd, const void* buf, size_t len);
ssize_t readv(int fd, const iovec* iov, int iovcnt);
ssize_t writev(int fd, const iovec* iov, int iovcnt);

int setsockopt(int fd, int level, int name, const void* value, socklen_t len);
int getsockopt(int fd, int level, int name, void* value, socklen_t* len);

ssize_t sendmsg(int fd, const msghdr* msg, int flags);
ssize_t recvmsg(int fd, msghdr* msg, int flags);
// select() is traced as the pselect6 system call glibc makes for it (there is no select syscall on
// arm64), as strace shows it; poll() as poll (arm64: glibc's ppoll), epoll_wait as epoll_wait.
int select(int nfds, fd_set* readfds, fd_set* writefds, fd_set* exceptfds, timeval* timeout);
int poll(pollfd* fds, nfds_t nfds, int timeout);
int epoll_create(int size);
int epoll_create1(int flags);
int epoll_ctl(int epfd, int op, int fd, epoll_event* event);
int epoll_wait(int epfd, epoll_event* events, int maxevents, int timeout);

#ifdef __linux__
int sendmmsg(int fd, mmsghdr* msgvec, unsigned int vlen, int flags);
int recvmmsg(int fd, mmsghdr* msgvec, unsigned int vlen, int flags, timespec* timeout);
#endif

}  // namespace sys
}  // namespace sockfd
