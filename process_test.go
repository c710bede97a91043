package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"storefront/ent/completionattempt"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// buildServer compiles the storefront binary once per test run.
var buildServer = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "storefront-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "storefront")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// serverProcess is a storefront running as its own process.
type serverProcess struct {
	cmd  *exec.Cmd
	URL  string
	logs *bytes.Buffer
}

func startProcess(t *testing.T, dbURL string, env ...string) *serverProcess {
	t.Helper()
	bin, err := buildServer()
	if err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	p := &serverProcess{URL: "http://" + addr, logs: &bytes.Buffer{}}
	p.cmd = exec.Command(bin)
	p.cmd.Env = append(os.Environ(), "STOREFRONT_ADDR="+addr, "DATABASE_URL="+dbURL, "STOREFRONT_SEED_DEMO=false", "STOREFRONT_PUBLIC_URL=http://"+addr)
	p.cmd.Env = append(p.cmd.Env, env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.kill() })
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(p.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("process not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *serverProcess) kill() {
	if p.cmd.Process != nil && p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Signal(syscall.SIGKILL)
		_ = p.cmd.Wait()
	}
}

// api is a testAPI that talks to the process (post and the helpers built on it).
func (p *serverProcess) api(db *store.DB) *testAPI {
	return &testAPI{URL: p.URL, DB: db, Log: &syncBuffer{}}
}

// TestThreeProcessesDoNotOversell runs three server processes over one PostgreSQL
// database; 200 buyers spread over them compete for 50 units.
func TestThreeProcessesDoNotOversell(t *testing.T) {
	pg, ok := storetest.Postgres(t)
	if !ok {
		t.Skip("needs PostgreSQL: set " + storetest.EnvPostgres)
	}
	db := pg.Open(t)
	deliveryFixture(t, db)
	ctx := context.Background()
	bulk := db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
	db.ProductVariant.UpdateOne(bulk).SetAvailable(50).ExecX(ctx)
	procs := []*serverProcess{startProcess(t, pg.URL), startProcess(t, pg.URL), startProcess(t, pg.URL)}
	id := variantID(t, db, "bulk", "Default Title")
	carts := make([]string, 200)
	for i := range carts {
		carts[i] = readyCart(t, procs[i%3].api(db), "test_success", line(id, 1))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []string
	for i, c := range carts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := procs[(i+1)%3].api(db).post(t, `mutation($id: ID!, $t: String!) { cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { __typename } } }`,
				map[string]any{"id": c, "t": fmt.Sprintf("multi-%d", i)})
			if r.Status != 200 || len(r.Errors) > 0 {
				mu.Lock()
				failures = append(failures, r.Raw)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		for _, p := range procs {
			for _, line := range strings.Split(p.logs.String(), "\n") {
				if strings.Contains(line, `"level":"ERROR"`) {
					t.Log(line)
				}
			}
		}
		t.Fatalf("%d failed requests, e.g. %s", len(failures), failures[0])
	}
	orders := db.Order.Query().CountX(ctx)
	left := db.ProductVariant.GetX(ctx, bulk.ID).Available
	if orders != 50 || left != 0 {
		t.Fatalf("got %d orders and %d units left; want 50 and 0", orders, left)
	}
}

// TestKilledServerLosesNothingConfirmed streams checkouts at a server process, kills it
// with SIGKILL in the middle, restarts it and checks that every confirmed completion has
// its whole order and that stock adds up.
func TestKilledServerLosesNothingConfirmed(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		ctx := context.Background()
		bulk := db.ProductVariant.Query().Where(productvariant.HasProductWith(product.Handle("bulk"))).OnlyX(ctx)
		const initial = 1000
		db.ProductVariant.UpdateOne(bulk).SetAvailable(initial).ExecX(ctx)
		proc := startProcess(t, b.URL)
		api := proc.api(db)
		id := variantID(t, db, "bulk", "Default Title")
		carts := make([]string, 60)
		for i := range carts {
			carts[i] = readyCart(t, api, "test_success", line(id, 1+i%3))
		}
		// Submit from 4 workers; kill the process after a while.
		type outcome struct {
			attempt string
			ok      bool
		}
		results := make(chan outcome, len(carts))
		var wg sync.WaitGroup
		next := make(chan int)
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!, $t: String!) { cartSubmitForCompletion(cartId: $id, attemptToken: $t) { result { ... on SubmitSuccess { attemptId } } } }`,
						"variables": map[string]any{"id": carts[i], "t": fmt.Sprintf("kill-%d", i)}})
					resp, err := http.Post(proc.URL+"/graphql", "application/json", bytes.NewReader(body))
					if err != nil {
						continue // the server died under this request
					}
					raw, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					var got struct {
						Data struct {
							CartSubmitForCompletion struct {
								Result struct{ AttemptID string } `json:"result"`
							} `json:"cartSubmitForCompletion"`
						} `json:"data"`
					}
					if json.Unmarshal(raw, &got) == nil && got.Data.CartSubmitForCompletion.Result.AttemptID != "" {
						results <- outcome{attempt: got.Data.CartSubmitForCompletion.Result.AttemptID, ok: true}
					}
				}
			}()
		}
		go func() {
			for i := range carts {
				if i == len(carts)/2 {
					proc.kill()
				}
				next <- i
			}
			close(next)
		}()
		wg.Wait()
		close(results)
		restarted := startProcess(t, b.URL)
		rapi := restarted.api(db)
		confirmed := 0
		for r := range results {
			a := attempt(t, rapi, r.attempt)
			if a.A == nil {
				t.Fatalf("attempt %s vanished after the restart", r.attempt)
			}
			if a.A.Typename != "CartCompletionSuccess" {
				t.Fatalf("attempt %s returned to the buyer is %s after the restart", r.attempt, a.A.Typename)
			}
			confirmed++
		}
		orders := db.Order.Query().WithLines().AllX(ctx)
		sold := 0
		for _, o := range orders {
			if len(o.Edges.Lines) == 0 {
				t.Fatalf("order %s has no lines", o.Name)
			}
			for _, l := range o.Edges.Lines {
				sold += l.Quantity
			}
		}
		left := db.ProductVariant.GetX(ctx, bulk.ID).Available
		if initial != left+sold {
			t.Fatalf("stock does not add up: initial %d, left %d, sold %d", initial, left, sold)
		}
		if confirmed > len(orders) {
			t.Fatalf("%d confirmed completions but %d orders", confirmed, len(orders))
		}
		successes := db.CompletionAttempt.Query().Where(completionattempt.StatusEQ(completionattempt.StatusSUCCESS)).CountX(ctx)
		if successes != len(orders) {
			t.Fatalf("%d successful attempts but %d orders", successes, len(orders))
		}
		t.Logf("%d confirmed before the kill was noticed, %d orders in all, %d units sold", confirmed, len(orders), sold)
	})
}
