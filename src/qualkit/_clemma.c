/*
 * qualkit._clemma: the Dutch lemma table read in place from one buffer.
 *
 * qualkit.nlp._lemma_tables() maps 220,909 normalised word forms to their
 * normalised lemmas. Building that as a Python dict costs 0.15-0.2 s in every
 * new process, even from a marshal cache: the dict inserts are the cost. This
 * module answers the look-ups from a byte layout instead, so opening the table
 * costs a checksum and a few header checks, and a look-up creates at most the
 * one str it returns (each lemma's str is made once, on first use, and kept).
 *
 * build(table, key) -> bytearray lays a dict of str -> str out as below.
 * LemmaTable(buffer) reads such a layout from any buffer (a read-only mmap of
 * the cache file, or build()'s bytearray) and keeps the buffer alive until it
 * is freed. LemmaTable.known is the set of distinct lemmas (KnownLemmas).
 *
 * Layout: numbers are native-endian uint32; every section starts at a
 * multiple of 4 bytes.
 *
 *   header (HEADER_SIZE = 64 bytes)
 *     0  magic "qualkit lemmas2\n" (16 bytes)
 *    16  CRC-32 of bytes 20.. (filled in and checked by qualkit.nlp, which has zlib)
 *    20  byte-order mark 0x01020304 (a file of the other byte order is refused)
 *    24  LAYOUT_VERSION
 *    28  total size in bytes
 *    32  length of the cache key in bytes
 *    36  n: number of forms (entries)
 *    40  m: number of distinct lemmas
 *    44  S: slots of the form index (S > n)
 *    48  K: slots of the lemma index (K > m)
 *    52  zero (12 bytes)
 *   the cache key (UTF-8), zero-padded to a multiple of 4
 *   entries[n + 1]     (key_off, lemma) pairs: form e's UTF-8 bytes are
 *                      form_blob[key_off[e] .. key_off[e + 1]], its lemma's number
 *                      is lemma[e]; the last pair is (size of form_blob, 0). Side
 *                      by side, a hit reads one cache line for both.
 *   lemma_off[m + 1]   lemma l's UTF-8 bytes are lemma_blob[lemma_off[l] .. lemma_off[l + 1]]
 *   form_slots[S]      (hash, e + 1) pairs; 0 in the second word: empty slot
 *   lemma_slots[K]     (hash, l + 1) pairs; likewise
 *   form_blob          key_off[n] bytes
 *   lemma_blob         lemma_off[m] bytes
 *
 * Forms keep the dict's order, so keys() and items() give the dict back as it
 * was. The indexes are open-addressing hash tables with linear probing, about
 * half full. The hash (hash_bytes) reads the UTF-8 bytes eight at a time
 * (native order, the last word zero-padded), mixes each in with a multiply
 * and a shift, and ends with MurmurHash3's 64-bit finaliser; its low 32 bits
 * are stored. It is stable across processes, unlike Python's randomised str
 * hash, and costs about the same for a long compound as for a short word
 * (byte-wise FNV-1a cost ~2 ns a byte, 20-40 ns for the longer Dutch words). A
 * slot's home is (hash * slots) >> 32, so the slot count need not be a power
 * of two. The hash is part of the layout: changing it needs a new
 * LAYOUT_VERSION, or old files would be searched in the wrong slots.
 *
 * Strings are encoded with UTF-8 and "surrogatepass", which is one-to-one on
 * all str, so a lone surrogate is found exactly as a dict would find it.
 *
 * Trust: qualkit.nlp checks the CRC-32 and the cache key before it uses a
 * file. This file still never reads outside the buffer whatever the bytes
 * say: the header's sizes must add up to the buffer's length, probing stops
 * after S (or K) slots, and each offset and number is checked when it is
 * used (a few comparisons per look-up); a bad one raises ValueError.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HEADER_SIZE 64
#define LAYOUT_VERSION 2  /* 1: byte-wise FNV-1a hash; 2: the word-wise hash below */
#define BYTE_ORDER_MARK 0x01020304u
static const char MAGIC[16] = {'q', 'u', 'a', 'l', 'k', 'i', 't', ' ', 'l', 'e', 'm', 'm', 'a', 's', '2', '\n'};

/* ---- hashing and strings ------------------------------------------------ */

static inline uint64_t
mix_in(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0xff51afd7ed558ccdu;
    return h ^ (h >> 32);
}

static inline uint32_t
hash_bytes(const unsigned char *s, Py_ssize_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ (uint64_t)n;
    for (; n >= 8; s += 8, n -= 8) {
        uint64_t word;
        memcpy(&word, s, 8);
        h = mix_in(h, word);
    }
    if (n > 0) {
        uint64_t word = 0;
        memcpy(&word, s, (size_t)n);
        h = mix_in(h, word);
    }
    h ^= h >> 33;  /* MurmurHash3's fmix64 */
    h *= 0xff51afd7ed558ccdu;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (uint32_t)h;
}

static inline uint32_t
home_slot(uint32_t h, uint32_t slots)
{
    return (uint32_t)(((uint64_t)h * slots) >> 32);
}

/* The UTF-8 bytes of a str; *tmp receives a bytes object to release when
 * the str has lone surrogates (encoded with surrogatepass), else NULL. */
static const char *
utf8_of(PyObject *str, Py_ssize_t *len, PyObject **tmp)
{
    *tmp = NULL;
    const char *s = PyUnicode_AsUTF8AndSize(str, len);
    if (s != NULL || !PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
        return s;
    }
    PyErr_Clear();
    *tmp = PyUnicode_AsEncodedString(str, "utf-8", "surrogatepass");
    if (*tmp == NULL) {
        return NULL;
    }
    *len = PyBytes_GET_SIZE(*tmp);
    return PyBytes_AS_STRING(*tmp);
}

/* ---- one hash index over one string list -------------------------------- */

typedef struct {
    const uint32_t *slots;  /* 2 * n_slots words */
    uint32_t n_slots;
    const uint32_t *off;    /* count + 1 offsets into blob, stride words apart */
    uint32_t stride;
    uint32_t count;
    const char *blob;
    uint32_t blob_size;
} Index;

static int
corrupt(const char *what)
{
    PyErr_Format(PyExc_ValueError, "corrupt lemma table: %s", what);
    return -1;
}

/* Set *start, *len of string i; -1 with ValueError if its offsets are bad. */
static inline int
string_at(const Index *ix, uint32_t i, uint32_t *start, uint32_t *len)
{
    if (i >= ix->count) {
        return corrupt("string number out of range");
    }
    uint32_t a = ix->off[(size_t)i * ix->stride], b = ix->off[((size_t)i + 1) * ix->stride];
    if (a > b || b > ix->blob_size) {
        return corrupt("string offsets out of range");
    }
    *start = a;
    *len = b - a;
    return 0;
}

/* The number of the string equal to s[0:n], -1 if none, -2 on error. */
static Py_ssize_t
index_find(const Index *ix, const char *s, Py_ssize_t n)
{
    uint32_t h = hash_bytes((const unsigned char *)s, n);
    uint32_t i = home_slot(h, ix->n_slots);
    for (uint32_t probes = 0; probes < ix->n_slots; probes++) {
        uint32_t stored = ix->slots[2 * (size_t)i + 1];
        if (stored == 0) {
            return -1;
        }
        if (ix->slots[2 * (size_t)i] == h) {
            uint32_t start, len;
            if (string_at(ix, stored - 1, &start, &len) < 0) {
                return -2;
            }
            if ((Py_ssize_t)len == n && memcmp(ix->blob + start, s, (size_t)n) == 0) {
                return stored - 1;
            }
        }
        if (++i == ix->n_slots) {
            i = 0;
        }
    }
    return -1;
}

/* The number of the str key in ix: -1 if absent (or not a str), -2 on error. */
static Py_ssize_t
index_find_str(const Index *ix, PyObject *key)
{
    if (!PyUnicode_Check(key)) {
        return -1;
    }
    Py_ssize_t n;
    PyObject *tmp;
    const char *s = utf8_of(key, &n, &tmp);
    if (s == NULL) {
        return -2;
    }
    Py_ssize_t found = index_find(ix, s, n);
    Py_XDECREF(tmp);
    return found;
}

static PyObject *
index_decode(const Index *ix, uint32_t i)
{
    uint32_t start, len;
    if (string_at(ix, i, &start, &len) < 0) {
        return NULL;
    }
    return PyUnicode_DecodeUTF8(ix->blob + start, len, "surrogatepass");
}

/* ---- LemmaTable ---------------------------------------------------------- */

typedef struct {
    PyObject_HEAD
    Py_buffer view;            /* keeps the buffer (the mmap) alive */
    Index forms;               /* its off: the entries (key_off, lemma) */
    Index lemmas;
    const char *key;
    uint32_t key_len;
    PyObject **lemma_objects;  /* m lazily made lemma strs */
} LemmaTable;

typedef struct {
    PyObject_HEAD
    LemmaTable *table;
} KnownLemmas;

static PyTypeObject LemmaTable_Type;
static PyTypeObject KnownLemmas_Type;

static inline uint32_t
word_at(const char *base, size_t offset)
{
    return *(const uint32_t *)(base + offset);
}

/* Point the table into its buffer after checking that the header's sizes
 * add up to the buffer's length; -1 with ValueError if they do not. */
static int
table_layout(LemmaTable *self)
{
    const char *base = self->view.buf;
    uint64_t size = (uint64_t)self->view.len;
    if (((uintptr_t)base & 3) != 0) {
        PyErr_SetString(PyExc_ValueError, "the lemma table's buffer is not aligned to 4 bytes");
        return -1;
    }
    if (size < HEADER_SIZE || memcmp(base, MAGIC, sizeof MAGIC) != 0) {
        return corrupt("not a qualkit lemma table (magic bytes)");
    }
    if (word_at(base, 20) != BYTE_ORDER_MARK || word_at(base, 24) != LAYOUT_VERSION) {
        return corrupt("another byte order or layout version");
    }
    uint64_t key_len = word_at(base, 32), n = word_at(base, 36), m = word_at(base, 40);
    uint64_t S = word_at(base, 44), K = word_at(base, 48);
    if (word_at(base, 28) != size || S <= n || K <= m) {
        return corrupt("header sizes do not fit");
    }
    uint64_t at = HEADER_SIZE;
    uint64_t key_at = at;
    at += (key_len + 3) & ~(uint64_t)3;
    uint64_t entries_at = at;
    at += 8 * (n + 1);
    uint64_t lemma_off_at = at;
    at += 4 * (m + 1);
    uint64_t form_slots_at = at;
    at += 8 * S;
    uint64_t lemma_slots_at = at;
    at += 8 * K;
    if (at > size) {
        return corrupt("header sizes do not fit");
    }
    uint64_t form_blob_size = word_at(base, entries_at + 8 * n);
    uint64_t lemma_blob_size = word_at(base, lemma_off_at + 4 * m);
    if (at + form_blob_size + lemma_blob_size != size) {
        return corrupt("header sizes do not fit");
    }
    self->key = base + key_at;
    self->key_len = (uint32_t)key_len;
    self->forms = (Index){(const uint32_t *)(base + form_slots_at), (uint32_t)S,
                          (const uint32_t *)(base + entries_at), 2, (uint32_t)n,
                          base + at, (uint32_t)form_blob_size};
    self->lemmas = (Index){(const uint32_t *)(base + lemma_slots_at), (uint32_t)K,
                           (const uint32_t *)(base + lemma_off_at), 1, (uint32_t)m,
                           base + at + form_blob_size, (uint32_t)lemma_blob_size};
    return 0;
}

static PyObject *
LemmaTable_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    PyObject *buffer;
    static char *kwlist[] = {"buffer", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:LemmaTable", kwlist, &buffer)) {
        return NULL;
    }
    LemmaTable *self = (LemmaTable *)type->tp_alloc(type, 0);
    if (self == NULL) {
        return NULL;
    }
    if (PyObject_GetBuffer(buffer, &self->view, PyBUF_SIMPLE) < 0) {
        self->view.obj = NULL;
        Py_DECREF(self);
        return NULL;
    }
    if (table_layout(self) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    self->lemma_objects = PyMem_Calloc(self->lemmas.count ? self->lemmas.count : 1, sizeof(PyObject *));
    if (self->lemma_objects == NULL) {
        Py_DECREF(self);
        return PyErr_NoMemory();
    }
    return (PyObject *)self;
}

static void
LemmaTable_dealloc(LemmaTable *self)
{
    if (self->lemma_objects != NULL) {
        for (uint32_t i = 0; i < self->lemmas.count; i++) {
            Py_XDECREF(self->lemma_objects[i]);
        }
        PyMem_Free(self->lemma_objects);
    }
    if (self->view.obj != NULL) {
        PyBuffer_Release(&self->view);
    }
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static inline uint32_t
entry_lemma(const LemmaTable *self, Py_ssize_t e)
{
    return self->forms.off[2 * (size_t)e + 1];
}

/* Lemma l as a str (made once, then shared): a new reference. */
static PyObject *
lemma_object(LemmaTable *self, uint32_t l)
{
    if (l >= self->lemmas.count) {
        corrupt("lemma number out of range");
        return NULL;
    }
    PyObject *obj = self->lemma_objects[l];
    if (obj == NULL) {
        obj = index_decode(&self->lemmas, l);
        if (obj == NULL) {
            return NULL;
        }
        self->lemma_objects[l] = obj;
    }
    return Py_NewRef(obj);
}

/* The lemma of key (new reference), NULL without error if absent. */
static PyObject *
table_lookup(LemmaTable *self, PyObject *key)
{
    Py_ssize_t e = index_find_str(&self->forms, key);
    if (e < 0) {
        return NULL;
    }
    return lemma_object(self, entry_lemma(self, e));
}

static PyObject *
LemmaTable_get(LemmaTable *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 1 || nargs > 2) {
        PyErr_Format(PyExc_TypeError, "get expected 1 or 2 arguments, got %zd", nargs);
        return NULL;
    }
    PyObject *lemma = table_lookup(self, args[0]);
    if (lemma != NULL || PyErr_Occurred()) {
        return lemma;
    }
    return Py_NewRef(nargs == 2 ? args[1] : Py_None);
}

static PyObject *
LemmaTable_subscript(LemmaTable *self, PyObject *key)
{
    PyObject *lemma = table_lookup(self, key);
    if (lemma == NULL && !PyErr_Occurred()) {
        PyErr_SetObject(PyExc_KeyError, key);
    }
    return lemma;
}

static int
LemmaTable_contains(LemmaTable *self, PyObject *key)
{
    Py_ssize_t e = index_find_str(&self->forms, key);
    return e == -2 ? -1 : e >= 0;
}

static Py_ssize_t
LemmaTable_length(LemmaTable *self)
{
    return self->forms.count;
}

/* All forms (with_lemmas: (form, lemma) tuples) in the dict's order, as a list. */
static PyObject *
table_list(LemmaTable *self, int with_lemmas)
{
    PyObject *out = PyList_New(self->forms.count);
    if (out == NULL) {
        return NULL;
    }
    for (uint32_t e = 0; e < self->forms.count; e++) {
        PyObject *item = index_decode(&self->forms, e);
        if (item != NULL && with_lemmas) {
            PyObject *lemma = lemma_object(self, entry_lemma(self, e));
            PyObject *pair = lemma == NULL ? NULL : PyTuple_Pack(2, item, lemma);
            Py_XDECREF(lemma);
            Py_DECREF(item);
            item = pair;
        }
        if (item == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, e, item);
    }
    return out;
}

static PyObject *
LemmaTable_keys(LemmaTable *self, PyObject *Py_UNUSED(ignored))
{
    return table_list(self, 0);
}

static PyObject *
LemmaTable_items(LemmaTable *self, PyObject *Py_UNUSED(ignored))
{
    return table_list(self, 1);
}

static PyObject *
iterate_list(PyObject *list)
{
    if (list == NULL) {
        return NULL;
    }
    PyObject *it = PyObject_GetIter(list);
    Py_DECREF(list);
    return it;
}

static PyObject *
LemmaTable_iter(LemmaTable *self)
{
    return iterate_list(table_list(self, 0));
}

static PyObject *
LemmaTable_known(LemmaTable *self, void *Py_UNUSED(closure))
{
    KnownLemmas *known = PyObject_New(KnownLemmas, &KnownLemmas_Type);
    if (known == NULL) {
        return NULL;
    }
    known->table = (LemmaTable *)Py_NewRef((PyObject *)self);
    return (PyObject *)known;
}

static PyObject *
LemmaTable_cache_key(LemmaTable *self, void *Py_UNUSED(closure))
{
    return PyBytes_FromStringAndSize(self->key, self->key_len);
}

static PyObject *
LemmaTable_repr(LemmaTable *self)
{
    return PyUnicode_FromFormat("<LemmaTable: %u forms, %u lemmas>", self->forms.count, self->lemmas.count);
}

static PyMethodDef LemmaTable_methods[] = {
    {"get", (PyCFunction)(void (*)(void))LemmaTable_get, METH_FASTCALL,
     "get(form, default=None): the lemma of a normalised form, or default."},
    {"keys", (PyCFunction)LemmaTable_keys, METH_NOARGS, "keys(): a list of the forms, in the table's order."},
    {"items", (PyCFunction)LemmaTable_items, METH_NOARGS, "items(): a list of (form, lemma), in the table's order."},
    {NULL, NULL, 0, NULL},
};

static PyGetSetDef LemmaTable_getset[] = {
    {"known", (getter)LemmaTable_known, NULL, "The set of distinct lemmas (a KnownLemmas).", NULL},
    {"cache_key", (getter)LemmaTable_cache_key, NULL, "The cache key stored in the header (bytes).", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PySequenceMethods LemmaTable_as_sequence = {
    .sq_contains = (objobjproc)LemmaTable_contains,
};

static PyMappingMethods LemmaTable_as_mapping = {
    .mp_length = (lenfunc)LemmaTable_length,
    .mp_subscript = (binaryfunc)LemmaTable_subscript,
};

static PyTypeObject LemmaTable_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "qualkit._clemma.LemmaTable",
    .tp_basicsize = sizeof(LemmaTable),
    .tp_dealloc = (destructor)LemmaTable_dealloc,
    .tp_repr = (reprfunc)LemmaTable_repr,
    .tp_as_sequence = &LemmaTable_as_sequence,
    .tp_as_mapping = &LemmaTable_as_mapping,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "LemmaTable(buffer): the read-only form -> lemma table laid out by build().",
    .tp_iter = (getiterfunc)LemmaTable_iter,
    .tp_methods = LemmaTable_methods,
    .tp_getset = LemmaTable_getset,
    .tp_new = LemmaTable_new,
};

/* ---- KnownLemmas ----------------------------------------------------------- */

static void
KnownLemmas_dealloc(KnownLemmas *self)
{
    Py_DECREF(self->table);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int
KnownLemmas_contains(KnownLemmas *self, PyObject *key)
{
    Py_ssize_t l = index_find_str(&self->table->lemmas, key);
    return l == -2 ? -1 : l >= 0;
}

static Py_ssize_t
KnownLemmas_length(KnownLemmas *self)
{
    return self->table->lemmas.count;
}

static PyObject *
KnownLemmas_iter(KnownLemmas *self)
{
    LemmaTable *table = self->table;
    PyObject *out = PyList_New(table->lemmas.count);
    if (out == NULL) {
        return NULL;
    }
    for (uint32_t l = 0; l < table->lemmas.count; l++) {
        PyObject *lemma = lemma_object(table, l);
        if (lemma == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, l, lemma);
    }
    return iterate_list(out);
}

static PyObject *
KnownLemmas_repr(KnownLemmas *self)
{
    return PyUnicode_FromFormat("<KnownLemmas: %u lemmas>", self->table->lemmas.count);
}

static PySequenceMethods KnownLemmas_as_sequence = {
    .sq_length = (lenfunc)KnownLemmas_length,
    .sq_contains = (objobjproc)KnownLemmas_contains,
};

static PyTypeObject KnownLemmas_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "qualkit._clemma.KnownLemmas",
    .tp_basicsize = sizeof(KnownLemmas),
    .tp_dealloc = (destructor)KnownLemmas_dealloc,
    .tp_repr = (reprfunc)KnownLemmas_repr,
    .tp_as_sequence = &KnownLemmas_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The set of a LemmaTable's distinct lemmas (LemmaTable.known): in, len, iteration.",
    .tp_iter = (getiterfunc)KnownLemmas_iter,
};

/* ---- build ------------------------------------------------------------------ */

/* A growing array of bytes. */
typedef struct {
    char *data;
    size_t len, cap;
} Bytes;

static int
bytes_append(Bytes *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        char *data = PyMem_Realloc(b->data, cap);
        if (data == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        b->data = data;
        b->cap = cap;
    }
    if (n) {
        memcpy(b->data + b->len, src, n);
    }
    b->len += n;
    return 0;
}

static int
bytes_append_u32(Bytes *b, uint32_t value)
{
    return bytes_append(b, &value, sizeof value);
}

/* Append a str's UTF-8 bytes to blob and its hash to hashes. */
static int
append_string(PyObject *str, Bytes *blob, Bytes *hashes)
{
    Py_ssize_t n;
    PyObject *tmp;
    const char *s = utf8_of(str, &n, &tmp);
    if (s == NULL) {
        return -1;
    }
    int rc = bytes_append(blob, s, (size_t)n);
    if (rc == 0 && blob->len > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "build: the table's strings exceed 4 GiB");
        rc = -1;
    }
    if (rc == 0) {
        rc = bytes_append_u32(hashes, hash_bytes((const unsigned char *)s, n));
    }
    Py_XDECREF(tmp);
    return rc;
}

/* About half full: a miss probes ~2.5 slots, a hit ~1.5 (linear probing). */
static uint32_t
slots_for(uint32_t count)
{
    return 2 * count + 1;
}

static void
fill_slots(uint32_t *slots, uint32_t n_slots, const uint32_t *hashes, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint32_t s = home_slot(hashes[i], n_slots);
        while (slots[2 * (size_t)s + 1] != 0) {
            if (++s == n_slots) {
                s = 0;
            }
        }
        slots[2 * (size_t)s] = hashes[i];
        slots[2 * (size_t)s + 1] = i + 1;
    }
}

typedef struct {
    Bytes form_blob, entries, form_hash;
    Bytes lemma_blob, lemma_off, lemma_hash;
    PyObject *lemma_numbers;  /* lemma str -> its number */
} Parts;

static void
parts_free(Parts *p)
{
    Bytes *all[] = {&p->form_blob, &p->entries, &p->form_hash,
                    &p->lemma_blob, &p->lemma_off, &p->lemma_hash};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        PyMem_Free(all[i]->data);
    }
    Py_XDECREF(p->lemma_numbers);
}

/* Collect the strings, offsets, hashes and lemma numbers of a dict. */
static int
collect(PyObject *table, Parts *p)
{
    p->lemma_numbers = PyDict_New();
    if (p->lemma_numbers == NULL) {
        return -1;
    }
    Py_ssize_t pos = 0;
    PyObject *form, *lemma;
    while (PyDict_Next(table, &pos, &form, &lemma)) {
        /* exact str only: a subclass's __hash__ or __eq__ could change the dict mid-loop */
        if (!PyUnicode_CheckExact(form) || !PyUnicode_CheckExact(lemma)) {
            PyErr_SetString(PyExc_TypeError, "build: the table's keys and values must be str");
            return -1;
        }
        PyObject *number = PyDict_GetItemWithError(p->lemma_numbers, lemma);
        uint32_t l;
        if (number != NULL) {
            l = (uint32_t)PyLong_AsUnsignedLong(number);
        }
        else if (PyErr_Occurred()) {
            return -1;
        }
        else {
            l = (uint32_t)(p->lemma_hash.len / 4);
            PyObject *new_number = PyLong_FromUnsignedLong(l);
            int rc = new_number == NULL ? -1 : PyDict_SetItem(p->lemma_numbers, lemma, new_number);
            Py_XDECREF(new_number);
            if (rc < 0 || bytes_append_u32(&p->lemma_off, (uint32_t)p->lemma_blob.len) < 0
                || append_string(lemma, &p->lemma_blob, &p->lemma_hash) < 0) {
                return -1;
            }
        }
        if (bytes_append_u32(&p->entries, (uint32_t)p->form_blob.len) < 0
            || bytes_append_u32(&p->entries, l) < 0
            || append_string(form, &p->form_blob, &p->form_hash) < 0) {
            return -1;
        }
    }
    /* the closing offsets: the blobs' sizes */
    if (bytes_append_u32(&p->entries, (uint32_t)p->form_blob.len) < 0 || bytes_append_u32(&p->entries, 0) < 0
        || bytes_append_u32(&p->lemma_off, (uint32_t)p->lemma_blob.len) < 0) {
        return -1;
    }
    return 0;
}

static PyObject *
build(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *table;
    Py_buffer key;
    if (!PyArg_ParseTuple(args, "O!y*:build", &PyDict_Type, &table, &key)) {
        return NULL;
    }
    Parts p = {0};
    PyObject *out = NULL;
    if (PyDict_GET_SIZE(table) >= (Py_ssize_t)(UINT32_MAX / 16) || key.len >= (Py_ssize_t)(UINT32_MAX / 2)) {
        PyErr_SetString(PyExc_OverflowError, "build: the table is too large");
        goto done;
    }
    if (collect(table, &p) < 0) {
        goto done;
    }
    uint32_t n = (uint32_t)(p.form_hash.len / 4), m = (uint32_t)(p.lemma_hash.len / 4);
    uint32_t S = slots_for(n), K = slots_for(m);
    size_t key_padded = ((size_t)key.len + 3) & ~(size_t)3;
    size_t slots_at = HEADER_SIZE + key_padded + p.entries.len + p.lemma_off.len;
    size_t blobs_at = slots_at + 8 * (size_t)S + 8 * (size_t)K;
    size_t size = blobs_at + p.form_blob.len + p.lemma_blob.len;
    if (size > UINT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "build: the table exceeds 4 GiB");
        goto done;
    }
    out = PyByteArray_FromStringAndSize(NULL, (Py_ssize_t)size);
    if (out == NULL) {
        goto done;
    }
    char *base = PyByteArray_AS_STRING(out);
    memset(base, 0, size);
    uint32_t header[12] = {0, BYTE_ORDER_MARK, LAYOUT_VERSION, (uint32_t)size, (uint32_t)key.len, n, m, S, K};
    memcpy(base, MAGIC, sizeof MAGIC);
    memcpy(base + sizeof MAGIC, header, sizeof header);
    memcpy(base + HEADER_SIZE, key.buf, (size_t)key.len);
    char *at = base + HEADER_SIZE + key_padded;
    const Bytes *arrays[] = {&p.entries, &p.lemma_off};
    for (size_t i = 0; i < 2; i++) {
        memcpy(at, arrays[i]->data, arrays[i]->len);
        at += arrays[i]->len;
    }
    fill_slots((uint32_t *)(base + slots_at), S, (const uint32_t *)p.form_hash.data, n);
    fill_slots((uint32_t *)(base + slots_at + 8 * (size_t)S), K, (const uint32_t *)p.lemma_hash.data, m);
    memcpy(base + blobs_at, p.form_blob.data, p.form_blob.len);
    memcpy(base + blobs_at + p.form_blob.len, p.lemma_blob.data, p.lemma_blob.len);
done:
    parts_free(&p);
    PyBuffer_Release(&key);
    return out;
}

/* ---- module ------------------------------------------------------------------ */

static PyMethodDef module_methods[] = {
    {"build", build, METH_VARARGS,
     "build(table: dict[str, str], key: bytes) -> bytearray: the layout of a LemmaTable "
     "(CRC-32 field zero; the caller fills it in)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "qualkit._clemma",
    "The Dutch lemma table read in place from a buffer (see qualkit.nlp._lemma_tables).",
    -1, module_methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC
PyInit__clemma(void)
{
    if (PyType_Ready(&LemmaTable_Type) < 0 || PyType_Ready(&KnownLemmas_Type) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL) {
        return NULL;
    }
    PyObject *magic = PyBytes_FromStringAndSize(MAGIC, sizeof MAGIC);
    if (magic == NULL
        || PyModule_AddObjectRef(module, "MAGIC", magic) < 0
        || PyModule_AddObjectRef(module, "LemmaTable", (PyObject *)&LemmaTable_Type) < 0
        || PyModule_AddObjectRef(module, "KnownLemmas", (PyObject *)&KnownLemmas_Type) < 0
        || PyModule_AddIntConstant(module, "HEADER_SIZE", HEADER_SIZE) < 0
        || PyModule_AddIntConstant(module, "CHECKSUM_OFFSET", 16) < 0) {
        Py_XDECREF(magic);
        Py_DECREF(module);
        return NULL;
    }
    Py_DECREF(magic);
    return module;
}
