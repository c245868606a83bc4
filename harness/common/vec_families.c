#include "vec_families.h"

const vec_family_info vec_families[VEC_FAM_COUNT] = {
    [VEC_FAM_LIST] = {"protocol_name_list.json", "protocol_name_list.schema.json", "ProtocolNameList", "list"},
    [VEC_FAM_SELECT] = {"selection.json", "selection.schema.json", "Selection", "select"},
    [VEC_FAM_HPARSE] = {"header_parse.json", "header_parse.schema.json", "HeaderParse", "hparse"},
    [VEC_FAM_HFORMAT] = {"header_format.json", "header_format.schema.json", "HeaderFormat", "hformat"},
    [VEC_FAM_CROSS] = {"cross_format.json", "cross_format.schema.json", "CrossFormat", "cross"},
    [VEC_FAM_ALTSVC] = {"altsvc.json", "altsvc.schema.json", "AltSvc", "altsvc"},
    [VEC_FAM_SVCB] = {"svcb_alpn.json", "svcb_alpn.schema.json", "SvcbAlpn", "svcb"},
};
