/*
 * The families of test vectors (vectors/FORMAT.md), listed once for the two programs that must agree on them: the
 * generator (vectors/gen/, which writes one file per family) and the runner (harness/vectors/, which reads the files
 * and speaks to adapters). Plain data, no dependency.
 */
#ifndef ALPN_VEC_FAMILIES_H
#define ALPN_VEC_FAMILIES_H

/* In the order the generator writes the files (each family's PRNG seed depends on its place). */
typedef enum {
    VEC_FAM_LIST = 0, /* protocol_name_list.json */
    VEC_FAM_SELECT,   /* selection.json */
    VEC_FAM_HPARSE,   /* header_parse.json */
    VEC_FAM_HFORMAT,  /* header_format.json */
    VEC_FAM_CROSS,    /* cross_format.json */
    VEC_FAM_ALTSVC,   /* altsvc.json */
    VEC_FAM_SVCB,     /* svcb_alpn.json */
    VEC_FAM_COUNT
} vec_family;

/* A family's file name, the schema its "schema" field names, its groups' "type", and the short name the adapter line
 * protocol gives it ("list", "select", "hparse", "hformat", "cross", "altsvc", "svcb"). */
typedef struct {
    const char *file, *schema, *group_type, *name;
} vec_family_info;

/* Indexed by vec_family. */
extern const vec_family_info vec_families[VEC_FAM_COUNT];

#endif
