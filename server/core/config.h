/*
 * config.h - dossier's settings: defaults, INI file, DOSSIER_* environment,
 * flags, in that order of precedence (later wins).
 */
#ifndef DOSSIER_CORE_CONFIG_H
#define DOSSIER_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config {
    /* [server] */
    char *listen;
    char *base_path;
    char *static_dir;
    int64_t threads;
    int64_t max_connections;
    int64_t connection_timeout_s;
    int64_t max_body_bytes;
    int64_t query_timeout_ms;
    char *trusted_proxies;
    char *cors_origins;
    /* [database] */
    char *db_path;
    bool read_only;
    /* [security] */
    char *write_token;
    char *write_token_file;
    /* [log] */
    char *log_level;
    bool access_log;
};

/* Fill @cfg with the defaults of API.md. */
void config_init(struct config *cfg);
void config_release(struct config *cfg);

/*
 * config_set - set one key from its text form ("server", "threads", "4").
 * Returns 0, or -1 with a message in @err (unknown key, bad value).
 */
int config_set(struct config *cfg, const char *section, const char *key,
               const char *value, char *err, size_t errlen);

/* Load an INI file. Returns 0, or -1 with the file and line in @err. */
int config_load_file(struct config *cfg, const char *path, char *err,
                     size_t errlen);

/* Apply DOSSIER_<SECTION>_<KEY> variables. Returns 0 or -1 with @err. */
int config_load_env(struct config *cfg, char *err, size_t errlen);

/*
 * config_resolve - final checks once every layer is applied: reads
 * write_token_file, validates base_path. Returns 0 or -1 with @err.
 */
int config_resolve(struct config *cfg, char *err, size_t errlen);

/* The key table, for documentation and tests: key i of config_key_count()
 * (borrowed static strings). */
size_t config_key_count(void);
void config_key_info(size_t i, const char **section, const char **key,
                     const char **def);

#endif
