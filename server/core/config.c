/*
 * config.c - settings from defaults, INI (inih), environment and flags.
 * One table describes every key: its place in struct config, its type,
 * its default and its bounds.
 */
#include "core/config.h"

#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/alloc.h"
#include "core/log.h"

enum key_type {
    KEY_STRING,
    KEY_INT,
    KEY_BOOL,
};

struct key_def {
    const char *section;
    const char *key;
    enum key_type type;
    size_t offset;
    const char *def;
    int64_t min, max;
};

#define STR(sec, k, field, d)                                                  \
    {                                                                          \
        sec, k, KEY_STRING, offsetof(struct config, field), d, 0, 0            \
    }
#define INT(sec, k, field, d, lo, hi)                                          \
    {                                                                          \
        sec, k, KEY_INT, offsetof(struct config, field), d, lo, hi             \
    }
#define BOOL(sec, k, field, d)                                                 \
    {                                                                          \
        sec, k, KEY_BOOL, offsetof(struct config, field), d, 0, 1              \
    }

static const struct key_def keys[] = {
    STR("server", "listen", listen, "127.0.0.1:8080"),
    STR("server", "base_path", base_path, ""),
    STR("server", "static_dir", static_dir, "static"),
    INT("server", "threads", threads, "0", 0, 256),
    INT("server", "max_connections", max_connections, "1024", 1, 1000000),
    INT("server", "connection_timeout_s", connection_timeout_s, "30", 1, 86400),
    INT("server", "max_body_bytes", max_body_bytes, "10485760", 1,
        INT64_C(1) << 32),
    INT("server", "query_timeout_ms", query_timeout_ms, "2000", 1, 3600000),
    STR("server", "trusted_proxies", trusted_proxies, ""),
    STR("server", "cors_origins", cors_origins, ""),
    STR("database", "path", db_path, "dossier.db"),
    BOOL("database", "read_only", read_only, "false"),
    STR("security", "write_token", write_token, ""),
    STR("security", "write_token_file", write_token_file, ""),
    STR("log", "level", log_level, "info"),
    BOOL("log", "access_log", access_log, "true"),
};

#define NKEYS (sizeof(keys) / sizeof(*keys))

size_t config_key_count(void)
{
    return NKEYS;
}

void config_key_info(size_t i, const char **section, const char **key,
                     const char **def)
{
    *section = keys[i].section;
    *key = keys[i].key;
    *def = keys[i].def;
}

static const struct key_def *find_key(const char *section, const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcasecmp(keys[i].section, section) == 0 &&
            strcasecmp(keys[i].key, key) == 0)
            return &keys[i];
    return NULL;
}

static int parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};

    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0)
            return *out = true, 0;
        if (strcasecmp(v, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

static int apply(struct config *cfg, const struct key_def *k, const char *value,
                 char *err, size_t errlen)
{
    char *field = (char *)cfg + k->offset;

    switch (k->type) {
    case KEY_STRING: {
        char **s = (char **)(void *)field;
        free(*s);
        *s = xstrdup(value);
        return 0;
    }
    case KEY_INT: {
        char *end;
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (errno || end == value || *end || v < k->min || v > k->max) {
            snprintf(err, errlen,
                     "%s.%s must be an integer between %lld and %lld",
                     k->section, k->key, (long long)k->min, (long long)k->max);
            return -1;
        }
        *(int64_t *)(void *)field = v;
        return 0;
    }
    case KEY_BOOL:
        if (parse_bool(value, (bool *)(void *)field) < 0) {
            snprintf(err, errlen, "%s.%s must be true or false", k->section,
                     k->key);
            return -1;
        }
        return 0;
    }
    return -1;
}

void config_init(struct config *cfg)
{
    char err[16];

    memset(cfg, 0, sizeof(*cfg));
    for (size_t i = 0; i < NKEYS; i++)
        apply(cfg, &keys[i], keys[i].def, err, sizeof(err));
}

void config_release(struct config *cfg)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].type == KEY_STRING)
            free(*(char **)(void *)((char *)cfg + keys[i].offset));
    memset(cfg, 0, sizeof(*cfg));
}

int config_set(struct config *cfg, const char *section, const char *key,
               const char *value, char *err, size_t errlen)
{
    const struct key_def *k = find_key(section, key);

    if (!k) {
        snprintf(err, errlen, "unknown setting [%s] %s", section, key);
        return -1;
    }
    return apply(cfg, k, value, err, errlen);
}

struct ini_ctx {
    struct config *cfg;
    FILE *f;
    int line;        /* of the last line read */
    int failed_line; /* of the first bad setting, or 0 */
    char err[256];
};

/* inih's line reader, counting lines so a bad setting knows its line. */
static char *read_line(char *str, int num, void *stream)
{
    struct ini_ctx *ctx = stream;
    char *s = fgets(str, num, ctx->f);

    if (s)
        ctx->line++;
    return s;
}

static int on_ini_entry(void *user, const char *section, const char *name,
                        const char *value)
{
    struct ini_ctx *ctx = user;

    if (ctx->failed_line)
        return 0;
    if (config_set(ctx->cfg, section, name, value, ctx->err, sizeof(ctx->err)) <
        0) {
        ctx->failed_line = ctx->line;
        return 0;
    }
    return 1;
}

int config_load_file(struct config *cfg, const char *path, char *err,
                     size_t errlen)
{
    struct ini_ctx ctx = {.cfg = cfg};
    struct stat sb;
    int rc;

    ctx.f = fopen(path, "r");
    if (!ctx.f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fileno(ctx.f), &sb) < 0 || S_ISDIR(sb.st_mode)) {
        snprintf(err, errlen, "%s: cannot open: a directory", path);
        fclose(ctx.f);
        return -1;
    }
    rc = ini_parse_stream(read_line, &ctx, on_ini_entry, &ctx);
    fclose(ctx.f);
    if (rc == 0)
        return 0;
    /* inih reports the first bad line: a bad setting or a syntax error. */
    if (ctx.failed_line && ctx.failed_line <= rc)
        snprintf(err, errlen, "%s:%d: %s", path, ctx.failed_line, ctx.err);
    else
        snprintf(err, errlen, "%s:%d: syntax error", path, rc);
    return -1;
}

int config_load_env(struct config *cfg, char *err, size_t errlen)
{
    for (size_t i = 0; i < NKEYS; i++) {
        char name[96];
        size_t n = (size_t)snprintf(name, sizeof(name), "DOSSIER_%s_%s",
                                    keys[i].section, keys[i].key);
        for (size_t j = 0; j < n; j++)
            name[j] = (char)toupper((unsigned char)name[j]);
        const char *v = getenv(name);
        if (v && apply(cfg, &keys[i], v, err, errlen) < 0) {
            size_t len = strlen(err);
            snprintf(err + len, errlen - len, " (from %s)", name);
            return -1;
        }
    }
    return 0;
}

/* Strip trailing '/' and require a leading one: "" or "/news". */
static int normalise_base_path(struct config *cfg, char *err, size_t errlen)
{
    char *p = cfg->base_path;
    size_t n = strlen(p);

    while (n > 0 && p[n - 1] == '/')
        p[--n] = '\0';
    if (n == 0)
        return 0;
    if (p[0] != '/' || strstr(p, "//") || strstr(p, "/./") ||
        strstr(p, "/../") || (n >= 2 && strcmp(p + n - 2, "/.") == 0) ||
        (n >= 3 && strcmp(p + n - 3, "/..") == 0) ||
        strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-._~/") != n) {
        snprintf(err, errlen,
                 "server.base_path must look like /prefix (got \"%s\")", p);
        return -1;
    }
    return 0;
}

int config_resolve(struct config *cfg, char *err, size_t errlen)
{
    if (log_level_parse(cfg->log_level) < 0) {
        snprintf(err, errlen, "log.level must be error, warn, info or debug");
        return -1;
    }
    if (normalise_base_path(cfg, err, errlen) < 0)
        return -1;
    if (cfg->write_token_file[0] && !cfg->write_token[0]) {
        FILE *f = fopen(cfg->write_token_file, "r");
        char line[512];
        if (!f) {
            snprintf(err, errlen, "security.write_token_file %s: %s",
                     cfg->write_token_file, strerror(errno));
            return -1;
        }
        if (!fgets(line, sizeof(line), f))
            line[0] = '\0';
        fclose(f);
        line[strcspn(line, "\r\n")] = '\0';
        free(cfg->write_token);
        cfg->write_token = xstrdup(line);
    }
    return 0;
}
