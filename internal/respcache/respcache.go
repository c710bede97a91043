// Package respcache caches anonymous catalog reads of the Storefront API: whole responses,
// keyed by the normalized document, operation name, variables and API version, bounded in
// bytes with a per-entry TTL, and emptied on every committed catalog write (on every
// instance, see ListenPostgres). It also sets the HTTP caching headers CDNs need: public
// with an ETag for anonymous GET reads, private and no-store for buyer data.
package respcache

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config configures a Cache.
type Config struct {
	// Disabled turns the response cache off; the HTTP caching headers are still set.
	Disabled bool
	// MaxBytes bounds the cached responses (bodies, keys and bookkeeping).
	MaxBytes int64
	// TTL is how long an entry may be served at most (invalidation usually ends it sooner).
	TTL time.Duration
	// MaxAge and StaleWhileRevalidate go into Cache-Control of anonymous GET reads.
	MaxAge, StaleWhileRevalidate time.Duration
	// Private says whether a request carries buyer credentials (a customer token): such
	// requests are never cached and answer private, no-store.
	Private func(*http.Request) bool
}

// Defaults for Config fields left zero.
const (
	DefaultMaxBytes             = 64 << 20
	DefaultTTL                  = 5 * time.Minute
	DefaultMaxAge               = 10 * time.Second
	DefaultStaleWhileRevalidate = time.Minute
)

// entryOverhead approximates an entry's bookkeeping beyond its key and body.
const entryOverhead = 256

// Stats are the cache's counters since start.
type Stats struct {
	Hits, Misses, Evictions, Invalidations int64
	Entries                                int
	Bytes                                  int64
}

// Cache is the response cache. The zero value is not usable; call New.
type Cache struct {
	cfg Config
	now func() time.Time

	mu      sync.Mutex
	gen     uint64
	entries map[string]*list.Element
	lru     *list.List // front: most recently used
	bytes   int64

	// suspended is set while invalidations from other instances may be missed.
	suspended atomic.Bool

	hits, misses, evictions, invalidations atomic.Int64
}

type entry struct {
	key         string
	body        []byte
	contentType string
	etag        string
	expires     time.Time
	size        int64
}

// New returns a cache configured by cfg.
func New(cfg Config) *Cache {
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = DefaultMaxBytes
	}
	if cfg.TTL == 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Private == nil {
		cfg.Private = func(*http.Request) bool { return false }
	}
	return &Cache{cfg: cfg, now: time.Now, entries: map[string]*list.Element{}, lru: list.New()}
}

// Invalidate empties the cache; responses being computed when it is called are not stored.
func (c *Cache) Invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
	c.lru.Init()
	c.bytes = 0
	c.invalidations.Add(1)
}

// Suspend stops serving and storing (while invalidations could be missed); Resume empties
// the cache and starts again.
func (c *Cache) Suspend() { c.suspended.Store(true) }

// Resume empties the cache and serves from it again.
func (c *Cache) Resume() {
	c.Invalidate()
	c.suspended.Store(false)
}

// Stats returns the counters.
func (c *Cache) Stats() Stats {
	c.mu.Lock()
	n, b := len(c.entries), c.bytes
	c.mu.Unlock()
	return Stats{Hits: c.hits.Load(), Misses: c.misses.Load(), Evictions: c.evictions.Load(),
		Invalidations: c.invalidations.Load(), Entries: n, Bytes: b}
}

func (c *Cache) active() bool { return !c.cfg.Disabled && !c.suspended.Load() }

func (c *Cache) get(key string) (*entry, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.entries[key]
	if !ok {
		return nil, c.gen
	}
	e := el.Value.(*entry)
	if c.now().After(e.expires) {
		c.remove(el)
		return nil, c.gen
	}
	c.lru.MoveToFront(el)
	return e, c.gen
}

// put stores e unless the cache was invalidated since gen (the response may predate a write).
func (c *Cache) put(e *entry, gen uint64) {
	if e.size > c.cfg.MaxBytes/8 {
		return // one response may not crowd out the rest
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if old, ok := c.entries[e.key]; ok {
		c.remove(old)
	}
	c.entries[e.key] = c.lru.PushFront(e)
	c.bytes += e.size
	for c.bytes > c.cfg.MaxBytes {
		c.remove(c.lru.Back())
		c.evictions.Add(1)
	}
}

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.entries, e.key)
	c.bytes -= e.size
}

// Policy is what the API decided about one response; the API finds it with PolicyFrom.
type Policy struct {
	// Cacheable: an anonymous read of catalog data only, answered without errors.
	Cacheable bool
	// Private: the response carries buyer data (carts, customers, orders) or the
	// operation writes.
	Private bool
}

type policyKey struct{}

// PolicyFrom returns the request's policy for the API to fill in, or nil outside the cache's
// middleware.
func PolicyFrom(ctx context.Context) *Policy {
	p, _ := ctx.Value(policyKey{}).(*Policy)
	return p
}

// request is the part of a GraphQL request that selects the response.
type request struct {
	Query         string          `json:"query"`
	OperationName string          `json:"operationName"`
	Variables     json.RawMessage `json:"variables"`
	Extensions    struct {
		PersistedQuery *struct {
			Sha256Hash string `json:"sha256Hash"`
		} `json:"persistedQuery"`
	} `json:"extensions"`
}

// keyOf reads the request (restoring a POST body for the handler) and returns its cache
// key, or "" when it cannot be cached. The key covers everything that selects the answer:
// API version, Accept, operation name, variables (canonical JSON) and document.
func keyOf(r *http.Request) string {
	var req request
	switch r.Method {
	case http.MethodGet:
		q := r.URL.Query()
		req.Query, req.OperationName = q.Get("query"), q.Get("operationName")
		req.Variables = json.RawMessage(q.Get("variables"))
		if ext := q.Get("extensions"); ext != "" {
			if err := json.Unmarshal([]byte(ext), &req.Extensions); err != nil {
				return ""
			}
		}
	case http.MethodPost:
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			return ""
		}
		body, err := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err != nil || json.Unmarshal(body, &req) != nil {
			return ""
		}
	default:
		return ""
	}
	doc := normalize(req.Query)
	if doc == "" {
		if req.Extensions.PersistedQuery == nil || req.Extensions.PersistedQuery.Sha256Hash == "" {
			return ""
		}
		doc = "apq:" + req.Extensions.PersistedQuery.Sha256Hash
	}
	vars := "{}"
	if v := bytes.TrimSpace(req.Variables); len(v) > 0 && string(v) != "null" {
		var m map[string]any
		if err := json.Unmarshal(v, &m); err != nil {
			return ""
		}
		b, err := json.Marshal(m) // map keys come out sorted: one key per set of values
		if err != nil {
			return ""
		}
		vars = string(b)
	}
	h := sha256.New()
	// Accept picks the response's media type.
	for _, s := range []string{r.PathValue("version"), r.Header.Get("Accept"), req.OperationName, vars, doc} {
		io.WriteString(h, s)
		h.Write([]byte{0})
	}
	return string(h.Sum(nil))
}

// normalize drops comments and the insignificant whitespace and commas of a GraphQL
// document, so documents that differ only in layout share entries.
func normalize(doc string) string {
	var b strings.Builder
	b.Grow(len(doc))
	space := false
	for i := 0; i < len(doc); i++ {
		ch := doc[i]
		switch {
		case ch == '"':
			// Copy a string (or block string) verbatim.
			end := i + 1
			if strings.HasPrefix(doc[i:], `"""`) {
				j := strings.Index(doc[i+3:], `"""`)
				if j < 0 {
					end = len(doc)
				} else {
					end = i + 3 + j + 3
				}
			} else {
				for end < len(doc) && doc[end] != '"' {
					if doc[end] == '\\' {
						end++
					}
					end++
				}
				end = min(end+1, len(doc))
			}
			space = false // a string needs no separator
			b.WriteString(doc[i:end])
			i = end - 1
		case ch == '#':
			for i < len(doc) && doc[i] != '\n' {
				i++
			}
			space = true
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == ',':
			space = true
		default:
			if space && b.Len() > 0 && isName(ch) && isName(b.String()[b.Len()-1]) {
				b.WriteByte(' ')
			}
			space = false
			b.WriteByte(ch)
		}
	}
	return b.String()
}

func isName(ch byte) bool {
	return ch == '_' || ch == '$' || ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z'
}

// Handler serves cached responses to anonymous catalog reads and stores new ones, and sets
// the HTTP caching headers. The API behind it must fill in the request's Policy.
func (c *Cache) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodPost {
			next.ServeHTTP(w, r)
			return
		}
		private := c.cfg.Private(r)
		key := ""
		var gen uint64
		if !private && c.active() {
			key = keyOf(r)
			if key != "" {
				var e *entry
				if e, gen = c.get(key); e != nil {
					c.hits.Add(1)
					c.write(w, r, e.body, e.contentType, e.etag, "hit")
					return
				}
			}
		}
		pol := &Policy{}
		rec := &recorder{header: http.Header{}}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), policyKey{}, pol)))
		status := rec.status
		if status == 0 {
			status = http.StatusOK
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		switch {
		case private || pol.Private:
			w.Header().Set("Cache-Control", "private, no-store")
		case pol.Cacheable && status == http.StatusOK:
			// The ETag is sent on GET and kept with a cached entry (a later GET may be
			// answered from it); a POST that is not cached needs none.
			var etag string
			if key != "" || r.Method == http.MethodGet {
				etag = etagOf(rec.body.Bytes())
			}
			ct := rec.header.Get("Content-Type")
			if key != "" {
				c.misses.Add(1)
				body := bytes.Clone(rec.body.Bytes())
				c.put(&entry{key: key, body: body, contentType: ct, etag: etag, expires: c.now().Add(c.cfg.TTL),
					size: int64(len(body) + len(key) + len(ct) + len(etag) + entryOverhead)}, gen)
			}
			state := "miss"
			if key == "" {
				state = ""
			}
			c.write(w, r, rec.body.Bytes(), ct, etag, state)
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write(rec.body.Bytes())
	})
}

// write answers a cacheable response: public caching headers for GET, 304 when the
// client's copy is current.
func (c *Cache) write(w http.ResponseWriter, r *http.Request, body []byte, contentType, etag, state string) {
	h := w.Header()
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	if state != "" {
		h.Set("X-Cache", state)
	}
	if r.Method == http.MethodGet {
		h.Set("Cache-Control", fmt.Sprintf("public, max-age=%d, stale-while-revalidate=%d",
			int(c.cfg.MaxAge.Seconds()), int(c.cfg.StaleWhileRevalidate.Seconds())))
		h.Set("ETag", etag)
		h.Add("Vary", "Accept")
		if matches(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// matches says whether an If-None-Match header names etag (weak comparison).
func matches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// recorder holds a response until the cache has decided about it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
