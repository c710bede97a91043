// Command bench measures Storefront's catalog reads against the hand-written floor
// (../shared/bench/floor): it builds both, starts them on fresh SQLite databases (Storefront
// with the demo catalog), and loads them alternately with the same client, connections and
// round length, printing median req/s and p99 per server and workload and the ratio to the
// floor. See bench/README.md.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	wl "storefront/bench/workload"
)

// workload is one GraphQL request body sent over and over.
type workload struct {
	name string
	body []byte
	// floor says the floor answers this workload too (only the listing).
	floor bool
}

// target is one running server.
type target struct {
	name string
	url  string
	cmd  *exec.Cmd
}

// result is one round's figures.
type result struct {
	reqs    int
	errs    int
	seconds float64
	p50     time.Duration
	p99     time.Duration
}

func (r result) rps() float64 { return float64(r.reqs) / r.seconds }

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	floorDir := flag.String("floor", "../shared/bench/floor", "directory of the hand-written floor's source")
	rounds := flag.Int("rounds", 3, "rounds per server and workload (alternating)")
	duration := flag.Duration("duration", 8*time.Second, "length of one round")
	warmup := flag.Duration("warmup", 2*time.Second, "unmeasured load before the first round of each workload")
	conns := flag.Int("conns", 10, "concurrent connections")
	only := flag.String("workloads", "listing,getProduct,getCollectionProducts,getProducts", "comma-separated workloads to run")
	cached := flag.Bool("cached", true, "also run a Storefront with the response cache on (when it has one)")
	extra := flag.String("storefront-args", "", "extra flags for the Storefront servers (space-separated)")
	baseline := flag.String("baseline", "", "also build and load Storefront as of this git revision (e.g. 5925cda, before issue 11), side by side")
	flag.Parse()

	dir, err := os.MkdirTemp("", "storefront-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	fmt.Println("building the floor and Storefront …")
	if err := build(*floorDir, filepath.Join(dir, "floor")); err != nil {
		return fmt.Errorf("build floor: %w", err)
	}
	if err := build(root, filepath.Join(dir, "storefront")); err != nil {
		return fmt.Errorf("build storefront: %w", err)
	}
	if *baseline != "" {
		src := filepath.Join(dir, "baseline-src")
		if err := os.MkdirAll(src, 0o755); err != nil {
			return err
		}
		archive := exec.Command("sh", "-c", "git archive --format=tar "+*baseline+" | tar -x -C "+src)
		archive.Stderr = os.Stderr
		if err := archive.Run(); err != nil {
			return fmt.Errorf("extract %s: %w", *baseline, err)
		}
		if err := build(src, filepath.Join(dir, "baseline")); err != nil {
			return fmt.Errorf("build baseline: %w", err)
		}
	}
	floorAddr, sfAddr, cachedAddr, baseAddr := freeAddr(), freeAddr(), freeAddr(), freeAddr()
	var targets []*target
	defer func() {
		for _, t := range targets {
			_ = t.cmd.Process.Kill()
			_ = t.cmd.Wait()
		}
	}()
	start := func(name, addr string, args ...string) (*target, error) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		t := &target{name: name, url: "http://" + addr + "/graphql", cmd: cmd}
		targets = append(targets, t)
		return t, waitReady("http://"+addr+"/healthz", 60*time.Second)
	}
	floor, err := start("floor", floorAddr, filepath.Join(dir, "floor"), "-addr", floorAddr, "-db", filepath.Join(dir, "floor.db"))
	if err != nil {
		return fmt.Errorf("start floor: %w", err)
	}
	sfArgs := func(addr, db string, cache bool) []string {
		a := []string{filepath.Join(dir, "storefront"), "-addr", addr, "-database-url", "sqlite:" + filepath.Join(dir, db),
			"-log-level", "warn", "-playground=false"}
		if hasCacheFlag(filepath.Join(dir, "storefront")) {
			a = append(a, fmt.Sprintf("-cache=%t", cache))
		}
		return append(a, strings.Fields(*extra)...)
	}
	sf, err := start("storefront", sfAddr, sfArgs(sfAddr, "sf.db", false)...)
	if err != nil {
		return fmt.Errorf("start storefront: %w", err)
	}
	servers := []*target{floor}
	if *baseline != "" {
		baseArgs := []string{filepath.Join(dir, "baseline"), "-addr", baseAddr,
			"-database-url", "sqlite:" + filepath.Join(dir, "base.db"), "-log-level", "warn", "-playground=false"}
		if hasCacheFlag(filepath.Join(dir, "baseline")) {
			// The baseline is compared uncached, as Storefront's first figures are.
			baseArgs = append(baseArgs, "-cache=false")
		}
		base, err := start("baseline "+*baseline, baseAddr, baseArgs...)
		if err != nil {
			return fmt.Errorf("start baseline: %w", err)
		}
		servers = append(servers, base)
	}
	servers = append(servers, sf)
	if *cached && hasCacheFlag(filepath.Join(dir, "storefront")) {
		sc, err := start("storefront cached", cachedAddr, sfArgs(cachedAddr, "sfc.db", true)...)
		if err != nil {
			return fmt.Errorf("start cached storefront: %w", err)
		}
		servers = append(servers, sc)
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConns: *conns * 2, MaxIdleConnsPerHost: *conns * 2, DisableCompression: true}}
	var table [][]string
	for _, w := range workloads() {
		if !slices.Contains(strings.Split(*only, ","), w.name) {
			continue
		}
		var ts []*target
		for _, s := range servers {
			if s == floor && !w.floor {
				continue
			}
			if err := check(client, s, w); err != nil {
				return err
			}
			ts = append(ts, s)
		}
		for _, t := range ts {
			load(client, t.url, w.body, *conns, *warmup)
		}
		res := map[*target][]result{}
		for i := 0; i < *rounds; i++ {
			for _, t := range ts {
				r := load(client, t.url, w.body, *conns, *duration)
				res[t] = append(res[t], r)
				fmt.Printf("%-22s %-26s round %d: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  errors %d\n",
					w.name, t.name, i+1, r.rps(), ms(r.p50), ms(r.p99), r.errs)
			}
		}
		var floorRPS, floorP99, baseRPS float64
		for _, t := range ts {
			rps, p99 := medians(res[t])
			var notes []string
			switch {
			case t == floor:
				floorRPS, floorP99 = rps, p99
			case strings.HasPrefix(t.name, "baseline"):
				baseRPS = rps
			}
			if t != floor && w.floor {
				notes = append(notes, fmt.Sprintf("%.2f× floor req/s, %.2f× floor p99", rps/floorRPS, p99/floorP99))
			}
			if baseRPS > 0 && !strings.HasPrefix(t.name, "baseline") && t != floor {
				notes = append(notes, fmt.Sprintf("%.2f× baseline req/s", rps/baseRPS))
			}
			table = append(table, []string{w.name, t.name, fmt.Sprintf("%.0f", rps), fmt.Sprintf("%.2f", p99), strings.Join(notes, "; ")})
		}
	}
	fmt.Printf("\nmedians of %d rounds, %d connections, %s rounds\n", *rounds, *conns, *duration)
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "workload\tserver\treq/s\tp99 ms\tratios")
	for _, row := range table {
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	return tw.Flush()
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// medians returns the median req/s and the median p99 (ms) of rounds.
func medians(rs []result) (float64, float64) {
	rps := make([]float64, len(rs))
	p99 := make([]float64, len(rs))
	for i, r := range rs {
		rps[i], p99[i] = r.rps(), ms(r.p99)
	}
	slices.Sort(rps)
	slices.Sort(p99)
	return rps[len(rps)/2], p99[len(p99)/2]
}

// load sends body from conns workers for d and measures every request.
func load(client *http.Client, url string, body []byte, conns int, d time.Duration) result {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	begin := time.Now()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			bad := 0
			for ctx.Err() == nil {
				t0 := time.Now()
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					bad++
					continue
				}
				lat = append(lat, time.Since(t0))
			}
			mu.Lock()
			all = append(all, lat...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	secs := time.Since(begin).Seconds()
	slices.Sort(all)
	r := result{reqs: len(all), errs: errs, seconds: secs}
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[len(all)*99/100]
	}
	return r
}

// check sends the workload once and refuses a response with errors or without data.
func check(client *http.Client, t *target, w workload) error {
	resp, err := client.Post(t.url, "application/json", bytes.NewReader(w.body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Data   map[string]json.RawMessage `json:"data"`
		Errors []json.RawMessage          `json:"errors"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &out); err != nil || len(out.Errors) > 0 || len(out.Data) == 0 {
		return fmt.Errorf("%s on %s: status %d, body %.300s", w.name, t.name, resp.StatusCode, raw)
	}
	for k, v := range out.Data {
		if string(v) == "null" {
			return fmt.Errorf("%s on %s: %s is null", w.name, t.name, k)
		}
	}
	return nil
}

func build(dir, out string) error {
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	return cmd.Run()
}

// hasCacheFlag says whether the Storefront binary has the response cache's -cache flag.
func hasCacheFlag(bin string) bool {
	out, _ := exec.Command(bin, "-h").CombinedOutput()
	return bytes.Contains(out, []byte("\n  -cache"))
}

func freeAddr() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("not ready after " + limit.String() + ": " + url)
}

func workloads() []workload {
	body := func(query, op string, vars map[string]any) []byte {
		b, err := json.Marshal(map[string]any{"query": query, "operationName": op, "variables": vars})
		if err != nil {
			panic(err)
		}
		return b
	}
	var out []workload
	for _, w := range wl.All() {
		out = append(out, workload{name: w.Name, body: body(w.Query, w.Operation, w.Variables), floor: w.Floor})
	}
	return out
}
