// The platform's real constant values, read from its headers at build time. Only what this platform
// defines is exported (every name in the lists is #ifdef-guarded).
#include "sockfd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/un.h>
#ifdef __linux__
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/if_alg.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>  // SIOCINQ, SIOCOUTQ, SIOCOUTQNSD
#include <linux/vm_sockets.h>
#include <netinet/ip_icmp.h>
#endif

#include <cerrno>

namespace sockfd {

void InitConstants(Napi::Env env, Napi::Object exports) {
  Napi::Object constants = Napi::Object::New(env);
#define SOCKFD_CONSTANT(name) constants.Set(#name, static_cast<double>(name));
#include "constants_list.inc"
#undef SOCKFD_CONSTANT
  Napi::Object errnos = Napi::Object::New(env);
#define SOCKFD_ERRNO(name) errnos.Set(#name, static_cast<double>(name));
#include "errno_list.inc"
#undef SOCKFD_ERRNO
  exports.Set("constants", constants);
  exports.Set("errno", errnos);
}

}  // namespace sockfd
