// Package stripetest runs the Stripe provider's tests against stripe-mock, Stripe's own
// mock of its API: STOREFRONT_TEST_STRIPE_MOCK_URL names a running one, or the stripe-mock
// binary (PATH or $GOPATH/bin; `go install github.com/stripe/stripe-mock@latest`) is
// started once per test process on free ports. Tests skip, saying so, without either.
//
// stripe-mock checks every request against Stripe's OpenAPI specification and answers with
// fixtures, but keeps no state and decides nothing: every intent it returns reads
// requires_payment_method. A Gateway therefore sits in front of it and keeps what Stripe
// would: each intent's status and amounts, the decisions of Stripe's documented test
// PaymentMethods (pm_card_visa, pm_card_chargeDeclined, …), idempotent replays of a key
// already answered, and the calls made, for tests to inspect.
package stripetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	mockOnce sync.Once
	mockURL  string
	mockErr  error
)

// MockURL returns the URL of a stripe-mock, starting one the first time when needed, or
// skips t saying what it needs.
func MockURL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("STOREFRONT_TEST_STRIPE_MOCK_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	mockOnce.Do(func() { mockURL, mockErr = startMock() })
	if mockErr != nil {
		t.Skipf("needs stripe-mock: set STOREFRONT_TEST_STRIPE_MOCK_URL or install it with `go install github.com/stripe/stripe-mock@latest` (%v)", mockErr)
	}
	return mockURL
}

func findMock() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("no stripe-mock in PATH or $GOPATH/bin")
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// startMock starts stripe-mock for the rest of the process. It is started from a thread
// that never ends, with a parent-death signal, so it stops when the test process does.
func startMock() (string, error) {
	bin, err := findMock()
	if err != nil {
		return "", err
	}
	httpAddr, err := freeAddr()
	if err != nil {
		return "", err
	}
	httpsAddr, err := freeAddr()
	if err != nil {
		return "", err
	}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread lives as long as the process
		cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		started <- cmd.Start()
		_ = cmd.Wait()
		select {}
	}()
	if err := <-started; err != nil {
		return "", fmt.Errorf("start %s: %w", bin, err)
	}
	u := "http://" + httpAddr
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		req, _ := http.NewRequest(http.MethodGet, u+"/v1/balance", nil)
		req.SetBasicAuth("sk_test_123", "")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return u, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("%s did not answer on %s", bin, httpAddr)
}

// Intent is what the Gateway keeps of a PaymentIntent.
type Intent struct {
	ID            string
	Status        string
	Amount        int64
	Capturable    int64
	Received      int64
	Refunded      int64
	PaymentMethod string
	ReturnURL     string
	Metadata      map[string]string
}

// Call is one request the Gateway answered (replays included).
type Call struct {
	Method, Path, IdempotencyKey string
	Replayed                     bool
	Status                       int
}

// Gateway is Stripe as far as the provider's tests need it, in front of stripe-mock.
type Gateway struct {
	URL  string
	mock string

	mu       sync.Mutex
	intents  map[string]*Intent
	replies  map[string]reply // by Idempotency-Key
	calls    []Call
	failNext int
}

type reply struct {
	status int
	body   []byte
}

// Start starts a Gateway for t (skipping t without stripe-mock).
func Start(t testing.TB) *Gateway {
	t.Helper()
	g := &Gateway{mock: MockURL(t), intents: map[string]*Intent{}, replies: map[string]reply{}}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	g.URL = srv.URL
	return g
}

// SetIntent replaces what the gateway holds of an intent (a test sets up what Stripe did
// while the shop was not listening).
func (g *Gateway) SetIntent(in Intent) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c := in
	g.intents[in.ID] = &c
}

// Intent returns the gateway's intent with the given ID (a copy; nil when unknown).
func (g *Gateway) Intent(id string) *Intent {
	g.mu.Lock()
	defer g.mu.Unlock()
	if in, ok := g.intents[id]; ok {
		c := *in
		return &c
	}
	return nil
}

// IntentFor returns the intent created with the given metadata reference (the
// completion attempt's public ID), nil when none was.
func (g *Gateway) IntentFor(reference string) *Intent {
	g.mu.Lock()
	defer g.mu.Unlock()
	for _, in := range g.intents {
		for _, v := range in.Metadata {
			if v == reference {
				c := *in
				return &c
			}
		}
	}
	return nil
}

// Calls returns the requests answered so far.
func (g *Gateway) Calls() []Call {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Call(nil), g.calls...)
}

// FailNext drops the connection of the next n requests without an answer, as a network
// failure between the shop and Stripe does.
func (g *Gateway) FailNext(n int) {
	g.mu.Lock()
	g.failNext = n
	g.mu.Unlock()
}

// Authenticate ends the 3-D Secure challenge of intent id: passed moves it to
// requires_capture, failed back to requires_payment_method, as the buyer's bank decides.
func (g *Gateway) Authenticate(id string, passed bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	in := g.intents[id]
	if in == nil || in.Status != "requires_action" {
		return
	}
	if passed {
		in.Status, in.Capturable = "requires_capture", in.Amount
	} else {
		in.Status = "requires_payment_method"
	}
}

// cardError is how Stripe's test PaymentMethods decline.
type cardError struct{ code, decline, msg string }

var declines = map[string]cardError{
	"pm_card_chargeDeclined":                  {"card_declined", "generic_decline", "Your card was declined."},
	"pm_card_visa_chargeDeclined":             {"card_declined", "generic_decline", "Your card was declined."},
	"pm_card_chargeDeclinedInsufficientFunds": {"card_declined", "insufficient_funds", "Your card has insufficient funds."},
	"pm_card_chargeDeclinedIncorrectCvc":      {"incorrect_cvc", "", "Your card's security code is incorrect."},
	"pm_card_chargeDeclinedExpiredCard":       {"expired_card", "", "Your card has expired."},
	"pm_card_chargeDeclinedProcessingError":   {"processing_error", "", "An error occurred while processing your card. Try again in a little bit."},
}

// needsAction are the test PaymentMethods whose authorization asks for 3-D Secure.
var needsAction = map[string]bool{"pm_card_threeDSecure2Required": true, "pm_card_authenticationRequired": true}

func (g *Gateway) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(body))
	if r.Method == http.MethodGet {
		form, _ = url.ParseQuery(r.URL.RawQuery)
	}
	key := r.Header.Get("Idempotency-Key")
	g.mu.Lock()
	if g.failNext > 0 {
		g.failNext--
		g.calls = append(g.calls, Call{Method: r.Method, Path: r.URL.Path, IdempotencyKey: key})
		g.mu.Unlock()
		panic(http.ErrAbortHandler)
	}
	if prev, ok := g.replies[key]; ok && key != "" && r.Method == http.MethodPost {
		g.calls = append(g.calls, Call{Method: r.Method, Path: r.URL.Path, IdempotencyKey: key, Replayed: true, Status: prev.status})
		g.mu.Unlock()
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(prev.status)
		_, _ = w.Write(prev.body)
		return
	}
	g.mu.Unlock()

	// stripe-mock validates the request and gives the response its shape.
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, g.mock+r.URL.RequestURI(), bytes.NewReader(body))
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		writeJSON(w, 502, map[string]any{"error": map[string]any{"type": "api_error", "message": err.Error()}})
		return
	}
	mockBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	status, out := resp.StatusCode, mockBody
	if status == http.StatusOK {
		var obj map[string]any
		if json.Unmarshal(mockBody, &obj) == nil {
			g.mu.Lock()
			status, out = g.decide(r.Method, r.URL.Path, form, obj)
			g.mu.Unlock()
		}
	}
	g.mu.Lock()
	if key != "" && r.Method == http.MethodPost {
		g.replies[key] = reply{status, out}
	}
	g.calls = append(g.calls, Call{Method: r.Method, Path: r.URL.Path, IdempotencyKey: key, Status: status})
	g.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func jsonBody(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func invalid(code, msg string) (int, []byte) {
	return 400, jsonBody(map[string]any{"error": map[string]any{"type": "invalid_request_error", "code": code, "message": msg}})
}

// decide applies Stripe's rules to stripe-mock's answer obj (g.mu held).
func (g *Gateway) decide(method, path string, form url.Values, obj map[string]any) (int, []byte) {
	parts := strings.Split(strings.Trim(path, "/"), "/") // v1, payment_intents, id, action
	switch {
	case method == http.MethodPost && path == "/v1/payment_intents":
		amount, _ := strconv.ParseInt(form.Get("amount"), 10, 64)
		in := &Intent{ID: obj["id"].(string), Amount: amount, PaymentMethod: form.Get("payment_method"), ReturnURL: form.Get("return_url"), Metadata: map[string]string{}}
		for k, v := range form {
			if strings.HasPrefix(k, "metadata[") {
				in.Metadata[strings.TrimSuffix(strings.TrimPrefix(k, "metadata["), "]")] = v[0]
			}
		}
		g.intents[in.ID] = in
		if d, ok := declines[in.PaymentMethod]; ok {
			in.Status = "requires_payment_method"
			e := map[string]any{"type": "card_error", "code": d.code, "message": d.msg, "payment_intent": g.render(in, obj)}
			if d.decline != "" {
				e["decline_code"] = d.decline
			}
			return 402, jsonBody(map[string]any{"error": e})
		}
		switch {
		case needsAction[in.PaymentMethod]:
			in.Status = "requires_action"
		case form.Get("confirm") == "true":
			in.Status, in.Capturable = "requires_capture", amount
		default:
			in.Status = "requires_confirmation"
		}
		return 200, jsonBody(g.render(in, obj))
	case len(parts) >= 3 && parts[1] == "payment_intents":
		in := g.intents[parts[2]]
		if in == nil {
			return 404, jsonBody(map[string]any{"error": map[string]any{"type": "invalid_request_error", "code": "resource_missing", "param": "intent", "message": "No such payment_intent: '" + parts[2] + "'"}})
		}
		action := ""
		if len(parts) == 4 {
			action = parts[3]
		}
		switch action {
		case "capture":
			if in.Status != "requires_capture" {
				return invalid("payment_intent_unexpected_state", "This PaymentIntent could not be captured because it has a status of "+in.Status+".")
			}
			amount := in.Capturable
			if a := form.Get("amount_to_capture"); a != "" {
				amount, _ = strconv.ParseInt(a, 10, 64)
			}
			if amount > in.Capturable {
				return invalid("amount_too_large", "The amount to capture is greater than the amount capturable.")
			}
			in.Status, in.Received, in.Capturable = "succeeded", amount, 0
		case "cancel":
			if in.Status == "succeeded" || in.Status == "canceled" {
				return invalid("payment_intent_unexpected_state", "You cannot cancel this PaymentIntent because it has a status of "+in.Status+".")
			}
			in.Status, in.Capturable = "canceled", 0
		}
		out := g.render(in, obj)
		if expands(form, "latest_charge") && in.Received > 0 {
			out["latest_charge"] = map[string]any{"id": out["latest_charge"], "object": "charge", "amount": in.Amount,
				"amount_captured": in.Received, "amount_refunded": in.Refunded, "refunded": in.Refunded >= in.Received, "payment_intent": in.ID}
		}
		return 200, jsonBody(out)
	case method == http.MethodPost && path == "/v1/refunds":
		in := g.intents[form.Get("payment_intent")]
		if in == nil || in.Status != "succeeded" {
			return invalid("charge_not_refundable", "This PaymentIntent has no captured charge to refund.")
		}
		amount := in.Received - in.Refunded
		if a := form.Get("amount"); a != "" {
			amount, _ = strconv.ParseInt(a, 10, 64)
		}
		if amount > in.Received-in.Refunded {
			return invalid("amount_too_large", "Refund amount is greater than the unrefunded amount on the charge.")
		}
		in.Refunded += amount
		obj["amount"], obj["payment_intent"], obj["status"] = amount, in.ID, "succeeded"
		return 200, jsonBody(obj)
	}
	return 200, jsonBody(obj)
}

// expands reports whether the request asks for field expanded (expand[]=… or expand[0]=…).
func expands(form url.Values, field string) bool {
	for k, v := range form {
		if strings.HasPrefix(k, "expand[") && slices.Contains(v, field) {
			return true
		}
	}
	return false
}

// render writes the intent's state over stripe-mock's fixture.
func (g *Gateway) render(in *Intent, obj map[string]any) map[string]any {
	obj["id"], obj["status"], obj["amount"] = in.ID, in.Status, in.Amount
	obj["amount_capturable"], obj["amount_received"] = in.Capturable, in.Received
	obj["metadata"], obj["last_payment_error"], obj["next_action"], obj["latest_charge"] = in.Metadata, nil, nil, nil
	if in.Received > 0 {
		obj["latest_charge"] = "ch_" + strings.TrimPrefix(in.ID, "pi_")
	}
	if in.Status == "requires_action" {
		obj["next_action"] = map[string]any{"type": "redirect_to_url",
			"redirect_to_url": map[string]any{"url": g.URL + "/3ds/" + in.ID, "return_url": ""}}
	}
	return obj
}
