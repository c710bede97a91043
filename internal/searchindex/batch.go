package searchindex

import (
	"context"
	"sync"

	"storefront/ent"
)

// Pending collects the rows that writes made stale while indexing is batched (see Batch).
type Pending struct {
	mu  sync.Mutex
	ids map[Kind][]int
}

type pendingKey struct{}

// Batch returns a context under which the index hooks only note what changed; Flush then
// re-indexes each changed row once. Bulk loaders (the seeder, imports) use it inside
// their transaction so a product with twelve variants is indexed once, not thirteen times.
func Batch(ctx context.Context) (context.Context, *Pending) {
	p := &Pending{ids: map[Kind][]int{}}
	return context.WithValue(ctx, pendingKey{}, p), p
}

func pendingFrom(ctx context.Context) *Pending {
	p, _ := ctx.Value(pendingKey{}).(*Pending)
	return p
}

func (p *Pending) add(k Kind, ids []int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ids[k] = append(p.ids[k], ids...)
}

// Flush re-indexes what changed since Batch (or the last Flush) through c, which should be
// the transaction that wrote the changes.
func (p *Pending) Flush(ctx context.Context, x *Index, c *ent.Client) error {
	p.mu.Lock()
	ids := p.ids
	p.ids = map[Kind][]int{}
	p.mu.Unlock()
	for _, k := range Kinds {
		for start := 0; start < len(ids[k]); start += 500 {
			if err := x.refresh(ctx, c, k, ids[k][start:min(start+500, len(ids[k]))]); err != nil {
				return err
			}
		}
	}
	return nil
}
