package graph

import (
	"container/list"
	"context"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Bounds of the caches the API keeps across requests. Both are bounded by the bytes they
// hold, not by their number of entries, so many large documents cannot fill memory.
const (
	// QueryCacheBytes bounds the parsed-query cache. A parsed document is charged
	// parsedBytesPerByte times its text (about what its syntax tree takes).
	QueryCacheBytes = 64 << 20
	// PersistedQueryCacheBytes bounds the automatic persisted queries (hash and text).
	PersistedQueryCacheBytes = 16 << 20
	// MaxCachedQueryBytes is the longest query text either cache keeps: longer documents
	// are parsed (or must be sent) each time.
	MaxCachedQueryBytes = 64 << 10

	parsedBytesPerByte = 32
)

// byteCache is a least-recently-used cache bounded by the bytes its entries are charged.
// It implements gqlgen's graphql.Cache.
type byteCache[T any] struct {
	limit    int64
	maxEntry int64
	cost     func(key string, v T) int64

	mu    sync.Mutex
	size  int64
	order *list.List // front: most recently used
	items map[string]*list.Element
}

type cacheEntry[T any] struct {
	key   string
	value T
	cost  int64
}

func newByteCache[T any](limit, maxEntry int64, cost func(string, T) int64) *byteCache[T] {
	return &byteCache[T]{limit: limit, maxEntry: maxEntry, cost: cost, order: list.New(), items: map[string]*list.Element{}}
}

// newQueryCache is the parsed-query cache.
func newQueryCache() *byteCache[*ast.QueryDocument] {
	return newByteCache(QueryCacheBytes, MaxCachedQueryBytes*parsedBytesPerByte, func(q string, _ *ast.QueryDocument) int64 {
		return int64(len(q)) * parsedBytesPerByte
	})
}

// newPersistedQueryCache is the automatic persisted queries' store.
func newPersistedQueryCache() *byteCache[string] {
	return newByteCache(PersistedQueryCacheBytes, MaxCachedQueryBytes+64, func(hash, q string) int64 {
		return int64(len(hash) + len(q))
	})
}

var (
	_ graphql.Cache[*ast.QueryDocument] = (*byteCache[*ast.QueryDocument])(nil)
	_ graphql.Cache[string]             = (*byteCache[string])(nil)
)

// Get returns the value cached for key and marks it recently used.
func (c *byteCache[T]) Get(_ context.Context, key string) (T, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheEntry[T]).value, true
	}
	var zero T
	return zero, false
}

// Add caches value under key, evicting the least recently used entries until the cache
// is within its bound; an entry larger than the cache's largest entry is not kept.
func (c *byteCache[T]) Add(_ context.Context, key string, value T) {
	cost := c.cost(key, value)
	if cost > c.maxEntry || cost > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok {
		old := e.Value.(*cacheEntry[T])
		c.size += cost - old.cost
		old.value, old.cost = value, cost
		c.order.MoveToFront(e)
	} else {
		c.items[key] = c.order.PushFront(&cacheEntry[T]{key: key, value: value, cost: cost})
		c.size += cost
	}
	for c.size > c.limit {
		e := c.order.Back()
		old := e.Value.(*cacheEntry[T])
		c.order.Remove(e)
		delete(c.items, old.key)
		c.size -= old.cost
	}
}

// Bytes is what the cache's entries are charged in all.
func (c *byteCache[T]) Bytes() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// Len is the number of entries.
func (c *byteCache[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}
