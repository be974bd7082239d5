/* http_net.c - trusted proxy networks and X-Forwarded-For. */
#include "http/http_internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alloc.h"

static int parse_one(const char *item, struct http_net *net)
{
    char text[INET6_ADDRSTRLEN + 8];
    char *slash;
    int max;

    if (strlen(item) >= sizeof(text))
        return -1;
    strcpy(text, item);
    slash = strchr(text, '/');
    if (slash)
        *slash = '\0';
    memset(net, 0, sizeof(*net));
    if (inet_pton(AF_INET, text, net->addr) == 1) {
        net->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, text, net->addr) == 1) {
        net->family = AF_INET6;
        max = 128;
        if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(void *)net->addr)) {
            /* ::ffff:10.0.0.2 is the IPv4 address, as peers are seen. */
            memmove(net->addr, net->addr + 12, 4);
            memset(net->addr + 4, 0, 12);
            net->family = AF_INET;
            max = 32;
            if (slash) {
                char *end;
                long p = strtol(slash + 1, &end, 10);
                if (!slash[1] || *end || p < 96 || p > 128)
                    return -1;
                net->prefix = (int)p - 96;
                return 0;
            }
        }
    } else {
        return -1;
    }
    net->prefix = max;
    if (slash) {
        char *end;
        long p = strtol(slash + 1, &end, 10);
        if (!slash[1] || *end || p < 0 || p > max)
            return -1;
        net->prefix = (int)p;
    }
    return 0;
}

int http_nets_parse(const char *list, struct http_net **out, size_t *n,
                    char *err, size_t errlen)
{
    struct http_net *nets = NULL;
    size_t count = 0, cap = 0;
    const char *p = list;

    while (*p) {
        char item[128];
        size_t len;
        while (*p == ' ' || *p == ',')
            p++;
        len = strcspn(p, ", ");
        if (!len)
            break;
        if (len >= sizeof(item)) {
            snprintf(err, errlen, "trusted_proxies: entry too long");
            free(nets);
            return -1;
        }
        memcpy(item, p, len);
        item[len] = '\0';
        nets = xgrow(nets, sizeof(*nets), count + 1, &cap);
        if (parse_one(item, &nets[count]) < 0) {
            snprintf(err, errlen,
                     "trusted_proxies: \"%s\" is not an address or CIDR", item);
            free(nets);
            return -1;
        }
        count++;
        p += len;
    }
    *out = nets;
    *n = count;
    return 0;
}

static bool prefix_equal(const unsigned char *a, const unsigned char *b,
                         int bits)
{
    int bytes = bits / 8, rest = bits % 8;

    if (memcmp(a, b, (size_t)bytes) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[bytes] & mask) == (b[bytes] & mask);
}

/* The address bytes of @sa, with v4-mapped v6 seen as v4. */
static int addr_bytes(const struct sockaddr *sa, unsigned char out[16])
{
    if (sa->sa_family == AF_INET) {
        memcpy(out, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
               4);
        return AF_INET;
    }
    if (sa->sa_family == AF_INET6) {
        const struct in6_addr *a =
            &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            memcpy(out, a->s6_addr + 12, 4);
            return AF_INET;
        }
        memcpy(out, a->s6_addr, 16);
        return AF_INET6;
    }
    return -1;
}

static bool nets_contain_bytes(const struct http_net *nets, size_t n,
                               int family, const unsigned char *bytes)
{
    for (size_t i = 0; i < n; i++)
        if (nets[i].family == family &&
            prefix_equal(nets[i].addr, bytes, nets[i].prefix))
            return true;
    return false;
}

bool http_nets_contain(const struct http_net *nets, size_t n,
                       const struct sockaddr *sa)
{
    unsigned char bytes[16];
    int family = addr_bytes(sa, bytes);

    return family > 0 && nets_contain_bytes(nets, n, family, bytes);
}

void http_addr_text(const struct sockaddr *sa, char *out, size_t len)
{
    unsigned char bytes[16];
    int family = addr_bytes(sa, bytes);

    if (family < 0 || !inet_ntop(family, bytes, out, (socklen_t)len))
        snprintf(out, len, "unknown");
}

const char *http_forwarded_client(struct arena *a, const char *xff,
                                  const struct http_net *nets, size_t n)
{
    size_t end = strlen(xff);

    /* Walk from the right: the first untrusted hop is the client. */
    while (end > 0) {
        size_t start = end;
        while (start > 0 && xff[start - 1] != ',')
            start--;
        size_t s = start, e = end;
        while (s < e && xff[s] == ' ')
            s++;
        while (e > s && xff[e - 1] == ' ')
            e--;
        char item[INET6_ADDRSTRLEN];
        unsigned char bytes[16];
        int family;
        if (e - s == 0 || e - s >= sizeof(item))
            return NULL;
        memcpy(item, xff + s, e - s);
        item[e - s] = '\0';
        if (inet_pton(AF_INET, item, bytes) == 1) {
            family = AF_INET;
        } else if (inet_pton(AF_INET6, item, bytes) == 1) {
            family = AF_INET6;
            if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(void *)bytes)) {
                memmove(bytes, bytes + 12, 4);
                family = AF_INET;
            }
        } else {
            return NULL;
        }
        if (!nets_contain_bytes(nets, n, family, bytes) || start == 0)
            return arena_strdup(a, item);
        end = start - 1;
    }
    return NULL;
}
