#include "vec_load.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hex.h"
#include "vectors_run.h"

/* The schema a file names (in its "schema"), or NULL; the table is below the loaders it names. */
static const vec_schema *schema_named(const char *name);

/* ---- the file and the document's head ---------------------------------------------------------------------------- */

/* A regular file within VEC_FILE_MAX, checked before a byte of it is read. */
static int file_fits(const char *path, char *err, size_t errcap)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errcap, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errcap, "%s: not a regular file", path);
        return -1;
    }
    if ((unsigned long long)st.st_size > VEC_FILE_MAX) {
        snprintf(err, errcap, "%s: %lld bytes, over the %u MB limit of a vector file", path, (long long)st.st_size,
                 VEC_FILE_MAX >> 20);
        return -1;
    }
    return 0;
}

static int head_ok(const char *path, json_t *root, const vec_schema **schema, char *err, size_t errcap)
{
    json_t *alg = json_object_get(root, "algorithm"), *name = json_object_get(root, "schema");
    if (!json_is_object(root))
        return snprintf(err, errcap, "%s: not a JSON object", path), -1;
    if (!json_is_string(alg) || strcmp(json_string_value(alg), "ALPN") != 0)
        return snprintf(err, errcap, "%s: field 'algorithm' is missing or not \"ALPN\"", path), -1;
    if (!json_is_string(name))
        return snprintf(err, errcap, "%s: missing field 'schema'", path), -1;
    *schema = schema_named(json_string_value(name));
    if (*schema == NULL)
        return snprintf(err, errcap,
                        "%s: unknown schema '%s' (known: protocol_name_list, selection, header_parse, "
                        "header_format, cross_format, altsvc, svcb_alpn .schema.json)",
                        path, json_string_value(name)),
               -1;
    if (!json_is_object(json_object_get(root, "notes")))
        return snprintf(err, errcap, "%s: missing field 'notes' (an object of flags)", path), -1;
    if (!json_is_array(json_object_get(root, "testGroups")))
        return snprintf(err, errcap, "%s: missing field 'testGroups' (an array)", path), -1;
    return 0;
}

json_t *vec_load_file(const char *path, const vec_schema **schema, char *err, size_t errcap)
{
    if (file_fits(path, err, errcap))
        return NULL;
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (root == NULL) {
        snprintf(err, errcap, "%s:%d:%d: not valid JSON: %s", path, jerr.line, jerr.column, jerr.text);
        return NULL;
    }
    if (head_ok(path, root, schema, err, errcap)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* ---- fields ------------------------------------------------------------------------------------------------------ */

static json_t *field(vec_loader *l, json_t *obj, const char *key, json_type type, const char *type_name)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL) {
        vec_fail(&l->at, "missing field '%s'", key);
        return NULL;
    }
    if (json_typeof(v) != type) {
        vec_fail(&l->at, "field '%s' is not %s", key, type_name);
        return NULL;
    }
    return v;
}

/* Lower-case hex without separators (FORMAT.md), appended to out. */
static int unhex(vec_loader *l, const char *key, json_t *s, vbuf *out)
{
    size_t bad_at;
    int rc = vbuf_put_unhex(out, json_string_value(s), json_string_length(s), HEX_LOWER_ONLY, &bad_at);
    if (rc == HEX_ODD)
        return vec_fail(&l->at, "bad hex in '%s': odd number of digits", key);
    if (rc == HEX_NOT_HEX)
        return vec_fail(&l->at, "bad hex in '%s' at character %zu (lower-case hex digits only)", key, bad_at);
    return rc != 0 ? vec_fail(&l->at, "out of memory") : 0;
}

static int hex_field(vec_loader *l, json_t *obj, const char *key, vbuf *out)
{
    out->len = 0;
    json_t *v = field(l, obj, key, JSON_STRING, "a string");
    return v == NULL ? -1 : unhex(l, key, v, out);
}

/* An array of hex names into a names buffer. */
static int names_field(vec_loader *l, json_t *obj, const char *key, vbuf *out)
{
    out->len = 0;
    json_t *a = field(l, obj, key, JSON_ARRAY, "an array of hex strings");
    if (a == NULL)
        return -1;
    size_t i;
    json_t *e;
    json_array_foreach(a, i, e)
    {
        if (!json_is_string(e))
            return vec_fail(&l->at, "'%s'[%zu] is not a hex string", key, i);
        l->tmp.len = 0;
        if (unhex(l, key, e, &l->tmp))
            return -1;
        if (names_add(out, l->tmp.p, l->tmp.len))
            return vec_fail(&l->at, "out of memory");
    }
    return 0;
}

static int alert_field(vec_loader *l, json_t *obj, const char *key, long *alert, int allow_null)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return vec_fail(&l->at, "missing field '%s'", key);
    if (json_is_null(v) && allow_null) {
        *alert = -1;
        return 0;
    }
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 255)
        return vec_fail(&l->at, "field '%s' is not an alert number%s", key, allow_null ? " or null" : "");
    *alert = (long)json_integer_value(v);
    return 0;
}

/* "value" (a header field value, ASCII) into c->value, when the test must have one or has one. */
static int value_field(vec_loader *l, json_t *t, int required, vec_case *c)
{
    if (!required && json_object_get(t, "value") == NULL)
        return 0;
    json_t *v = field(l, t, "value", JSON_STRING, "a string");
    if (v == NULL)
        return -1;
    if (vbuf_put(&c->value, json_string_value(v), json_string_length(v)))
        return vec_fail(&l->at, "out of memory");
    c->has_value = 1;
    return 0;
}

/* "names" into c->names, when the test must have them or has them. */
static int names_if(vec_loader *l, json_t *t, int required, vec_case *c)
{
    if (!required && json_object_get(t, "names") == NULL)
        return 0;
    if (names_field(l, t, "names", &c->names))
        return -1;
    c->has_names = 1;
    return 0;
}

/* ---- groups ------------------------------------------------------------------------------------------------------ */

static int load_role(vec_loader *l, json_t *g)
{
    json_t *r = field(l, g, "role", JSON_STRING, "a string");
    if (r == NULL)
        return -1;
    if (strcmp(json_string_value(r), "client") == 0)
        l->group.role = ALPN_ROLE_CLIENT;
    else if (strcmp(json_string_value(r), "server") == 0)
        l->group.role = ALPN_ROLE_SERVER;
    else
        return vec_fail(&l->at, "role is '%s', not client or server", json_string_value(r));
    return 0;
}

static int load_server(vec_loader *l, json_t *g)
{
    vec_group *grp = &l->group;
    json_t *pref = field(l, g, "preference", JSON_STRING, "a string");
    if (pref == NULL)
        return -1;
    if (strcmp(json_string_value(pref), "server") != 0)
        return vec_fail(&l->at, "preference '%s' is not supported (only \"server\")", json_string_value(pref));
    if (names_field(l, g, "server", &grp->server_names))
        return -1;
    free(grp->server);
    grp->server = names_array(&grp->server_names, &grp->n_server);
    if (grp->server == NULL)
        return vec_fail(&l->at, "out of memory");
    /* A server list with a name over 255 octets cannot be sent to an adapter; libalpn must refuse it. */
    grp->server_unencodable = ext_from_names(&grp->server_names, &grp->server_ext) != 0;
    return 0;
}

static int load_form(vec_loader *l, json_t *g)
{
    json_t *f = field(l, g, "form", JSON_STRING, "a string");
    if (f == NULL)
        return -1;
    l->group.svcb_wire = strcmp(json_string_value(f), "wire") == 0;
    if (!l->group.svcb_wire && strcmp(json_string_value(f), "presentation") != 0)
        return vec_fail(&l->at, "form is '%s', not presentation or wire", json_string_value(f));
    return 0;
}

static int load_group(vec_loader *l, json_t *g, const vec_schema *s)
{
    if (!json_is_object(g))
        return vec_fail(&l->at, "not an object");
    json_t *type = field(l, g, "type", JSON_STRING, "a string");
    if (type == NULL)
        return -1;
    const vec_family_info *fam = &vec_families[s->family];
    if (strcmp(json_string_value(type), fam->group_type) != 0)
        return vec_fail(&l->at, "group type '%s' in a file of schema %s (expected '%s')", json_string_value(type),
                        fam->schema, fam->group_type);
    if (s->family == VEC_FAM_LIST)
        return load_role(l, g);
    if (s->family == VEC_FAM_SELECT)
        return load_server(l, g);
    if (s->family == VEC_FAM_SVCB)
        return load_form(l, g);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------------------------------------- */

/* FORMAT.md: tcIds unique, from 1, in file order; flags are keys of notes. */
static int order_and_flags(vec_loader *l, const vec_case *c)
{
    if (c->tcid != l->last_tcid + 1)
        return vec_fail(&l->at, "tcId %ld out of order (expected %ld: tcIds run 1, 2, 3 ... in file order)", c->tcid,
                        l->last_tcid + 1);
    l->last_tcid = c->tcid;
    size_t k;
    json_t *fl;
    json_array_foreach(c->flags, k, fl)
    {
        if (!json_is_string(fl) || json_object_get(l->notes, json_string_value(fl)) == NULL)
            return vec_fail(&l->at, "flag %zu is not a key of the file's notes", k);
    }
    return 0;
}

static int load_result(vec_loader *l, json_t *t, vec_case *c)
{
    json_t *v = field(l, t, "result", JSON_STRING, "a string");
    if (v == NULL)
        return -1;
    c->result_text = json_string_value(v);
    if (strcmp(c->result_text, "valid") == 0)
        c->result = RES_VALID;
    else if (strcmp(c->result_text, "invalid") == 0)
        c->result = RES_INVALID;
    else if (strcmp(c->result_text, "acceptable") == 0)
        c->result = RES_ACCEPTABLE;
    else
        return vec_fail(&l->at, "result '%s' is not valid, invalid or acceptable", c->result_text);
    /* FORMAT.md: an acceptable test says why with at least one flag. */
    if (c->result == RES_ACCEPTABLE && json_array_size(c->flags) == 0)
        return vec_fail(&l->at, "an acceptable test without a flag saying why");
    v = json_object_get(t, "check");
    if (v != NULL && !json_is_string(v))
        return vec_fail(&l->at, "field 'check' is not a string");
    c->check = v != NULL ? json_string_value(v) : NULL;
    if (c->result == RES_INVALID && c->check == NULL)
        return vec_fail(&l->at, "missing field 'check' (required for invalid tests)");
    return 0;
}

/* The fields every family has: tcId, comment, flags, result, check. */
static int load_common(vec_loader *l, json_t *t, int validate, vec_case *c)
{
    c->has_names = c->has_selected = c->has_value = c->unencodable = 0;
    c->alert = c->alert_also = -1;
    c->names.len = c->ext.len = c->value.len = c->selected.len = 0;
    c->canon.len = c->wire.len = c->hdr.len = 0;
    json_t *v;
    if ((v = field(l, t, "tcId", JSON_INTEGER, "an integer")) == NULL)
        return -1;
    c->tcid = l->at.tcid = (long)json_integer_value(v);
    if ((v = field(l, t, "comment", JSON_STRING, "a string")) == NULL)
        return -1;
    c->comment = json_string_value(v);
    if ((c->flags = field(l, t, "flags", JSON_ARRAY, "an array")) == NULL)
        return -1;
    if (validate && order_and_flags(l, c))
        return -1;
    return load_result(l, t, c);
}

static int load_list(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, "ext", &c->ext) || names_if(l, t, c->result == RES_VALID, c))
        return -1;
    if (c->result == RES_INVALID)
        return alert_field(l, t, "alert", &c->alert, 0) ||
               (json_object_get(t, "alertAlso") != NULL && alert_field(l, t, "alertAlso", &c->alert_also, 0));
    if (c->result == RES_ACCEPTABLE && json_object_get(t, "alert") != NULL)
        return alert_field(l, t, "alert", &c->alert, 1);
    return 0;
}

static int load_select(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, "client", &c->ext))
        return -1;
    json_t *v = json_object_get(t, "selected");
    if (v == NULL)
        return vec_fail(&l->at, "missing field 'selected'");
    if (!json_is_null(v)) {
        if (!json_is_string(v))
            return vec_fail(&l->at, "field 'selected' is not a hex string or null");
        l->tmp.len = 0;
        if (unhex(l, "selected", v, &l->tmp) || names_add(&c->selected, l->tmp.p, l->tmp.len))
            return -1;
        c->has_selected = 1;
    }
    if (alert_field(l, t, "alert", &c->alert, 1))
        return -1;
    if (c->has_selected == (c->alert >= 0))
        return vec_fail(&l->at, "exactly one of 'selected' and 'alert' must be non-null");
    return 0;
}

static int load_hparse(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, "valueHex", &c->value) || names_if(l, t, c->result != RES_INVALID, c))
        return -1;
    if (c->result == RES_ACCEPTABLE && c->check == NULL)
        return vec_fail(&l->at, "missing field 'check' (required for acceptable tests)");
    return 0;
}

static int load_hformat(vec_loader *l, json_t *t, vec_case *c)
{
    if (names_field(l, t, "names", &c->names))
        return -1;
    c->unencodable = ext_from_names(&c->names, &c->ext) != 0;
    return value_field(l, t, c->result == RES_VALID, c);
}

static int load_cross(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, "ext", &c->ext))
        return -1;
    /* An invalid test whose ext is malformed has no header form and may come without a value. */
    return value_field(l, t, c->result == RES_VALID, c);
}

/* A string field (no NUL inside) into out. */
static int str_field(vec_loader *l, json_t *t, const char *key, vbuf *out)
{
    json_t *v = field(l, t, key, JSON_STRING, "a string");
    if (v == NULL)
        return -1;
    return vbuf_put(out, json_string_value(v), json_string_length(v)) ? vec_fail(&l->at, "out of memory") : 0;
}

static int load_altsvc(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, "valueHex", &c->value))
        return -1;
    if (c->result == RES_ACCEPTABLE && c->check == NULL)
        return vec_fail(&l->at, "missing field 'check' (required for acceptable tests)");
    return c->result == RES_INVALID ? 0 : str_field(l, t, "canonical", &c->canon);
}

static int load_svcb(vec_loader *l, json_t *t, vec_case *c)
{
    if (hex_field(l, t, l->group.svcb_wire ? "wire" : "presentationHex", l->group.svcb_wire ? &c->wire : &c->value))
        return -1;
    if (c->result == RES_ACCEPTABLE)
        return vec_fail(&l->at, "svcb_alpn tests are valid or invalid");
    if (c->result == RES_INVALID)
        return 0;
    if (!l->group.svcb_wire && hex_field(l, t, "wire", &c->wire))
        return -1;
    if (hex_field(l, t, "ext", &c->ext) || str_field(l, t, "header", &c->hdr) ||
        str_field(l, t, "canonical", &c->canon))
        return -1;
    return 0;
}

static const vec_schema SCHEMAS[] = {
    {VEC_FAM_LIST, load_list},
    {VEC_FAM_SELECT, load_select},
    {VEC_FAM_HPARSE, load_hparse},
    {VEC_FAM_HFORMAT, load_hformat},
    {VEC_FAM_CROSS, load_cross},
    {VEC_FAM_ALTSVC, load_altsvc},
    {VEC_FAM_SVCB, load_svcb},
};
#define N_SCHEMAS (sizeof SCHEMAS / sizeof SCHEMAS[0])

static const vec_schema *schema_named(const char *name)
{
    for (size_t i = 0; i < N_SCHEMAS; i++)
        if (strcmp(name, vec_families[SCHEMAS[i].family].schema) == 0)
            return &SCHEMAS[i];
    return NULL;
}

static int load_test(vec_loader *l, json_t *t, const vec_schema *s, int validate)
{
    if (!json_is_object(t))
        return vec_fail(&l->at, "test is not an object");
    if (load_common(l, t, validate, &l->c))
        return -1;
    return s->load(l, t, &l->c);
}

/* ---- the walk ---------------------------------------------------------------------------------------------------- */

static int count_ok(vec_loader *l, json_t *root, json_t *groups)
{
    json_t *nt = json_object_get(root, "numberOfTests");
    size_t total = 0, gi;
    json_t *g;
    json_array_foreach(groups, gi, g) total += json_array_size(json_object_get(g, "tests"));
    if (nt != NULL && (!json_is_integer(nt) || json_integer_value(nt) < 0 || (size_t)json_integer_value(nt) != total))
        return snprintf(l->at.err, l->at.errcap, "%s: numberOfTests is not the number of tests (%zu)", l->at.path,
                        total),
               -1;
    return 0;
}

int vec_load_walk(vec_loader *l, json_t *root, const vec_schema *s, vec_each_test each, void *ctx)
{
    json_t *groups = json_object_get(root, "testGroups");
    size_t gi, ti;
    json_t *g, *t;
    l->notes = json_object_get(root, "notes");
    l->last_tcid = 0;
    json_array_foreach(groups, gi, g)
    {
        l->at.gi = gi;
        l->at.tcid = -1;
        if (load_group(l, g, s))
            return -1;
        json_t *tests = field(l, g, "tests", JSON_ARRAY, "an array");
        if (tests == NULL)
            return -1;
        json_array_foreach(tests, ti, t)
        {
            l->at.ti = ti;
            l->at.tcid = -1;
            if (load_test(l, t, s, each == NULL) || (each != NULL && each(ctx, l)))
                return -1;
        }
    }
    return each == NULL ? count_ok(l, root, groups) : 0;
}

void vec_loader_free(vec_loader *l)
{
    vec_case_free(&l->c);
    vec_group_free(&l->group);
    vbuf_free(&l->tmp);
}
