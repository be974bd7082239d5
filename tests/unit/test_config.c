/*
 * test_config.c - settings: the defaults of API.md, the INI file (with
 * the documented example itself), errors with line numbers, DOSSIER_*
 * environment overrides, bool forms, base_path normalisation and
 * write_token_file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "tap.h"

/* The [Configuration] block of API.md, verbatim: loading it must give the
 * defaults. */
static const char api_example[] =
    "[server]\n"
    "listen = 127.0.0.1:8080        ; ADDR:PORT\n"
    "base_path =                    ; e.g. /news when mounted under a "
    "prefix\n"
    "static_dir = static            ; pages; empty = the copy built into the "
    "binary\n"
    "threads = 0                    ; worker threads, 0 = one per core\n"
    "max_connections = 1024\n"
    "connection_timeout_s = 30\n"
    "max_body_bytes = 10485760\n"
    "query_timeout_ms = 2000\n"
    "trusted_proxies =              ; addresses whose X-Forwarded-* headers "
    "count\n"
    "cors_origins =                 ; comma list, or * ; empty = no CORS "
    "headers\n"
    "\n"
    "[database]\n"
    "path = dossier.db\n"
    "read_only = false\n"
    "\n"
    "[security]\n"
    "write_token =                  ; empty = writes disabled (403)\n"
    "write_token_file =             ; read the token from a file instead\n"
    "\n"
    "[log]\n"
    "level = info                   ; error, warn, info, debug\n"
    "access_log = true\n";

static const struct {
    const char *section, *key, *def;
} api_defaults[] = {
    {"server", "listen", "127.0.0.1:8080"},
    {"server", "base_path", ""},
    {"server", "static_dir", "static"},
    {"server", "threads", "0"},
    {"server", "max_connections", "1024"},
    {"server", "connection_timeout_s", "30"},
    {"server", "max_body_bytes", "10485760"},
    {"server", "query_timeout_ms", "2000"},
    {"server", "trusted_proxies", ""},
    {"server", "cors_origins", ""},
    {"database", "path", "dossier.db"},
    {"database", "read_only", "false"},
    {"security", "write_token", ""},
    {"security", "write_token_file", ""},
    {"log", "level", "info"},
    {"log", "access_log", "true"},
};

#define NDEFAULTS (sizeof(api_defaults) / sizeof(*api_defaults))

static char tmpdir[] = "/tmp/dossier-test-config-XXXXXX";

/* Write @text to a new file in the temporary folder; returns its path. */
static const char *write_file(const char *name, const char *text)
{
    static char path[256];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static int is_default(const struct config *c)
{
    return strcmp(c->listen, "127.0.0.1:8080") == 0 &&
           strcmp(c->base_path, "") == 0 &&
           strcmp(c->static_dir, "static") == 0 && c->threads == 0 &&
           c->max_connections == 1024 && c->connection_timeout_s == 30 &&
           c->max_body_bytes == 10485760 && c->query_timeout_ms == 2000 &&
           strcmp(c->trusted_proxies, "") == 0 &&
           strcmp(c->cors_origins, "") == 0 &&
           strcmp(c->db_path, "dossier.db") == 0 && !c->read_only &&
           strcmp(c->write_token, "") == 0 &&
           strcmp(c->write_token_file, "") == 0 &&
           strcmp(c->log_level, "info") == 0 && c->access_log;
}

static void test_defaults(void)
{
    struct config c;
    char err[256];

    config_init(&c);
    ok(is_default(&c), "config_init gives every default of API.md");
    config_release(&c);

    is_int(config_key_count(), NDEFAULTS, "the key table has every key");
    for (size_t i = 0; i < config_key_count() && i < NDEFAULTS; i++) {
        const char *sec, *key, *def;
        config_key_info(i, &sec, &key, &def);
        ok(strcmp(sec, api_defaults[i].section) == 0 &&
               strcmp(key, api_defaults[i].key) == 0 &&
               strcmp(def, api_defaults[i].def) == 0,
           "key %zu is [%s] %s = \"%s\"", i, api_defaults[i].section,
           api_defaults[i].key, api_defaults[i].def);
    }

    config_init(&c);
    int rc = config_load_file(&c, write_file("api.ini", api_example), err,
                              sizeof(err));
    ok(rc == 0, "the example of API.md loads");
    if (rc)
        printf("#   %s\n", err);
    ok(is_default(&c), "and gives the defaults (inline comments stripped)");
    ok(config_resolve(&c, err, sizeof(err)) == 0, "and resolves");
    config_release(&c);
}

static void test_file(void)
{
    struct config c;
    char err[256];
    const char *path;

    config_init(&c);
    path = write_file("good.ini", "; comment\n"
                                  "[server]\n"
                                  "listen = 0.0.0.0:9000\n"
                                  "threads = 4\n"
                                  "max_body_bytes = 4294967296\n"
                                  "[database]\n"
                                  "path = /var/lib/dossier/news.db\n"
                                  "read_only = yes\n"
                                  "[LOG]\n"
                                  "Access_Log = off\n"
                                  "level = debug\n");
    ok(config_load_file(&c, path, err, sizeof(err)) == 0, "an INI file loads");
    is_str(c.listen, "0.0.0.0:9000", "string value");
    is_int(c.threads, 4, "integer value");
    is_int(c.max_body_bytes, INT64_C(4294967296), "integer at its maximum");
    is_str(c.db_path, "/var/lib/dossier/news.db", "[database] path");
    ok(c.read_only && !c.access_log, "bool values");
    is_str(c.log_level, "debug", "section and key names ignore case");
    is_int(c.max_connections, 1024, "keys not in the file keep defaults");
    config_release(&c);

    static const struct {
        const char *text, *want;
    } bad[] = {
        {"[server]\nthreads = 2\nthread = 4\n",
         "bad.ini:3: unknown setting [server] thread"},
        {"[server]\nthreads = many\n",
         "bad.ini:2: server.threads must be an integer between 0 and 256"},
        {"[server]\n\nthreads = 257\n",
         "bad.ini:3: server.threads must be an integer between 0 and 256"},
        {"[server]\nthreads = -1\n", "bad.ini:2: server.threads"},
        {"[server]\nthreads = 4x\n", "bad.ini:2: server.threads"},
        {"[server]\nthreads =\n", "bad.ini:2: server.threads"},
        {"[server]\nmax_connections = 0\n",
         "bad.ini:2: server.max_connections must be an integer between 1"},
        {"[server]\nquery_timeout_ms = 99999999999999999999\n",
         "bad.ini:2: server.query_timeout_ms"},
        {"[database]\nread_only = maybe\n",
         "bad.ini:2: database.read_only must be true or false"},
        {"[nowhere]\nkey = 1\n", "bad.ini:2: unknown setting [nowhere] key"},
        {"listen = 1.2.3.4:80\n", "bad.ini:1: unknown setting [] listen"},
        {"[server]\nthis line is not a setting\n", "bad.ini:2: syntax error"},
        {"[server\nthreads = 1\n", "bad.ini:1: syntax error"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
        config_init(&c);
        path = write_file("bad.ini", bad[i].text);
        err[0] = '\0';
        int rc = config_load_file(&c, path, err, sizeof(err));
        const char *msg = strstr(err, "bad.ini");
        ok(rc == -1 && msg &&
               strncmp(msg, bad[i].want, strlen(bad[i].want)) == 0,
           "bad file %zu: %s", i, bad[i].want);
        if (!msg || strncmp(msg, bad[i].want, strlen(bad[i].want)))
            printf("#   got \"%s\"\n", err);
        config_release(&c);
    }

    config_init(&c);
    snprintf(err, sizeof(err), "%s/missing.ini", tmpdir);
    char missing[256];
    snprintf(missing, sizeof(missing), "%s", err);
    ok(config_load_file(&c, missing, err, sizeof(err)) == -1 &&
           strstr(err, "missing.ini") && strstr(err, "cannot open"),
       "a missing file is an error naming it");
    config_release(&c);

    config_init(&c);
    ok(config_load_file(&c, tmpdir, err, sizeof(err)) == -1,
       "a directory is not a configuration file");
    config_release(&c);
}

static void test_bools(void)
{
    static const char *const yes[] = {"true", "TRUE", "yes", "Yes", "on", "1"};
    static const char *const no[] = {"false", "False", "no", "OFF", "off", "0"};
    static const char *const neither[] = {"",      "2",     "y",
                                          "truth", " true", "enabled"};
    struct config c;
    char err[256];

    config_init(&c);
    for (size_t i = 0; i < 6; i++) {
        c.read_only = false;
        ok(config_set(&c, "database", "read_only", yes[i], err, sizeof(err)) ==
                   0 &&
               c.read_only,
           "\"%s\" is true", yes[i]);
    }
    for (size_t i = 0; i < 6; i++) {
        c.read_only = true;
        ok(config_set(&c, "database", "read_only", no[i], err, sizeof(err)) ==
                   0 &&
               !c.read_only,
           "\"%s\" is false", no[i]);
    }
    for (size_t i = 0; i < 6; i++)
        ok(config_set(&c, "database", "read_only", neither[i], err,
                      sizeof(err)) == -1,
           "\"%s\" is not a bool", neither[i]);
    ok(config_set(&c, "server", "nope", "1", err, sizeof(err)) == -1 &&
           strcmp(err, "unknown setting [server] nope") == 0,
       "config_set rejects an unknown key");
    config_release(&c);
}

static void test_env(void)
{
    struct config c;
    char err[256];
    const char *path;

    config_init(&c);
    path = write_file("env.ini", "[server]\nthreads = 4\n");
    config_load_file(&c, path, err, sizeof(err));
    setenv("DOSSIER_SERVER_THREADS", "8", 1);
    setenv("DOSSIER_SECURITY_WRITE_TOKEN", "t0ken", 1);
    setenv("DOSSIER_DATABASE_READ_ONLY", "on", 1);
    setenv("DOSSIER_DATABASE_PATH", "/srv/news.db", 1);
    ok(config_load_env(&c, err, sizeof(err)) == 0, "environment loads");
    is_int(c.threads, 8, "DOSSIER_SERVER_THREADS overrides the file");
    is_str(c.write_token, "t0ken", "DOSSIER_SECURITY_WRITE_TOKEN");
    ok(c.read_only, "DOSSIER_DATABASE_READ_ONLY");
    is_str(c.db_path, "/srv/news.db", "DOSSIER_DATABASE_PATH");
    is_str(c.listen, "127.0.0.1:8080", "unset variables change nothing");

    setenv("DOSSIER_SERVER_THREADS", "lots", 1);
    ok(config_load_env(&c, err, sizeof(err)) == -1 &&
           strstr(err, "server.threads") &&
           strstr(err, "DOSSIER_SERVER_THREADS"),
       "a bad variable is an error naming it");
    unsetenv("DOSSIER_SERVER_THREADS");
    unsetenv("DOSSIER_SECURITY_WRITE_TOKEN");
    unsetenv("DOSSIER_DATABASE_READ_ONLY");
    unsetenv("DOSSIER_DATABASE_PATH");
    config_release(&c);
}

static void test_resolve(void)
{
    static const struct {
        const char *in, *out; /* out NULL: rejected */
    } paths[] = {
        {"", ""},
        {"/", ""},
        {"///", ""},
        {"/news", "/news"},
        {"/news/", "/news"},
        {"/news//", "/news"},
        {"/news/v1", "/news/v1"},
        {"/a-b_c.d~e", "/a-b_c.d~e"},
        {"news", NULL},
        {"/a//b", NULL},
        {"/a/../b", NULL},
        {"/..", NULL},
        {"/news/..", NULL},
        {"/news?x=1", NULL},
        {"/news#top", NULL},
        {"/new s", NULL},
        {"/caf\xc3\xa9", NULL},
    };
    struct config c;
    char err[256];

    for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
        config_init(&c);
        config_set(&c, "server", "base_path", paths[i].in, err, sizeof(err));
        int rc = config_resolve(&c, err, sizeof(err));
        if (paths[i].out)
            ok(rc == 0 && strcmp(c.base_path, paths[i].out) == 0,
               "base_path \"%s\" -> \"%s\"", paths[i].in, paths[i].out);
        else
            ok(rc == -1 && strstr(err, "base_path"),
               "base_path \"%s\" is rejected", paths[i].in);
        config_release(&c);
    }

    config_init(&c);
    config_set(&c, "log", "level", "verbose", err, sizeof(err));
    ok(config_resolve(&c, err, sizeof(err)) == -1 && strstr(err, "log.level"),
       "an unknown log level is rejected");
    config_release(&c);

    config_init(&c);
    config_set(&c, "security", "write_token_file",
               write_file("token", "s3cret-t0ken\r\nsecond line\n"), err,
               sizeof(err));
    ok(config_resolve(&c, err, sizeof(err)) == 0, "write_token_file resolves");
    is_str(c.write_token, "s3cret-t0ken",
           "the token is the file's first line without its line end");
    config_release(&c);

    config_init(&c);
    config_set(&c, "security", "write_token_file", write_file("empty", ""), err,
               sizeof(err));
    ok(config_resolve(&c, err, sizeof(err)) == 0 &&
           strcmp(c.write_token, "") == 0,
       "an empty token file leaves writes disabled");
    config_release(&c);

    config_init(&c);
    char missing[256];
    snprintf(missing, sizeof(missing), "%s/no-such-token", tmpdir);
    config_set(&c, "security", "write_token_file", missing, err, sizeof(err));
    ok(config_resolve(&c, err, sizeof(err)) == -1 &&
           strstr(err, "no-such-token"),
       "a missing token file is an error naming it");
    config_release(&c);
}

int main(void)
{
    static const char *const files[] = {"api.ini", "good.ini", "bad.ini",
                                        "env.ini", "token",    "empty"};

    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    test_defaults();
    test_file();
    test_bools();
    test_env();
    test_resolve();
    for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
        char path[256];
        snprintf(path, sizeof(path), "%s/%s", tmpdir, files[i]);
        unlink(path);
    }
    rmdir(tmpdir);
    return tap_done();
}
