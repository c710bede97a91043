package main

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	netmail "net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"storefront/ent/orderevent"
	"storefront/internal/storetest"
)

// received is one message the test SMTP server accepted, decoded.
type received struct {
	From, Subject string
	To            []string
	Text, HTML    string
}

// smtpServer is a real SMTP server in the test process (go-smtp) that keeps what it
// receives and refuses recipients at bounce.example.com permanently.
type smtpServer struct {
	Addr string
	mu   sync.Mutex
	msgs []received
}

func startSMTP(t testing.TB) *smtpServer {
	t.Helper()
	s := &smtpServer{}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// NewSession implements smtp.Backend.
func (s *smtpServer) NewSession(*smtp.Conn) (smtp.Session, error) { return &smtpSession{srv: s}, nil }

// wait returns the messages once n arrived (or fails after a while).
func (s *smtpServer) wait(t testing.TB, n int) []received {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s.mu.Lock()
		got := append([]received(nil), s.msgs...)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("received %d messages, want %d: %+v", len(got), n, got)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type smtpSession struct {
	srv  *smtpServer
	from string
	to   []string
}

func (x *smtpSession) Reset()        { x.from, x.to = "", nil }
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if strings.HasSuffix(to, "@bounce.example.com") {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	x.to = append(x.to, to)
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	m, err := netmail.ReadMessage(r)
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(m.Header.Get("Subject"))
	got := received{From: x.from, To: x.to, Subject: subject}
	mt, params, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(m.Body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return err
			}
			body := decodePart(p.Header.Get("Content-Transfer-Encoding"), p)
			if strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
				got.HTML = body
			} else {
				got.Text = body
			}
		}
	} else {
		got.Text = decodePart(m.Header.Get("Content-Transfer-Encoding"), m.Body)
	}
	x.srv.mu.Lock()
	x.srv.msgs = append(x.srv.msgs, got)
	x.srv.mu.Unlock()
	return nil
}

func decodePart(encoding string, r io.Reader) string {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, _ := io.ReadAll(r)
	return string(b)
}

// TestOrderEmails: the order confirmation, shipping confirmation (with tracking),
// refund and cancellation emails go through SMTP (a real server in the test process)
// after their changes commit, in text and HTML with the order status link; each send is on
// the order timeline, and a refused one is recorded as EMAIL_FAILED. The customer then
// sees what happened through the Storefront API and the order status page.
func TestOrderEmails(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		deliveryFixture(t, db)
		mailbox := startSMTP(t)
		cfg := testConfig()
		cfg.SMTPAddr, cfg.SMTPTLS, cfg.MailFrom = mailbox.Addr, "none", "shop@example.com"
		api := startAPIOver(t, db, cfg)
		ctx := context.Background()
		createCustomer(t, api, "buyer@example.com", "password-buyer-1")
		token := signIn(t, api, "buyer@example.com", "password-buyer-1")
		p := placeTestOrder(t, api, db, "mail-1", 2)
		o := db.Order.GetX(ctx, p.ID)
		cust := db.Customer.Query().OnlyX(ctx)
		db.Order.UpdateOneID(p.ID).SetCustomerID(cust.ID).ExecX(ctx)
		statusURL := "http://shop.test/orders/status/" + o.StatusToken
		key := adminKey(t, db, "orders:write", "orders:read")
		if c := orderOp(t, api, key, "fulfillmentCreate", "input: $input", withInput("FulfillmentCreateInput!", map[string]any{"orderId": p.GID,
			"lines":    []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1}},
			"tracking": map[string]any{"company": "UPS", "number": "1ZTRACK", "url": "https://track.example/1ZTRACK"}, "notifyCustomer": true})); c != nil {
			t.Fatalf("fulfil: %v", c)
		}
		if c := orderOp(t, api, key, "refundCreate", "input: $input", withInput("RefundCreateInput!", map[string]any{"orderId": p.GID,
			"lines": []map[string]any{{"lineItemId": p.Lines[0], "quantity": 1}}})); c != nil {
			t.Fatalf("refund: %v", c)
		}
		msgs := mailbox.wait(t, 3)
		bySubject := map[string]received{}
		for _, m := range msgs {
			if len(m.To) != 1 || m.To[0] != "buyer@example.com" || m.From != "shop@example.com" {
				t.Fatalf("message %q from %s to %v, want shop@example.com to buyer@example.com", m.Subject, m.From, m.To)
			}
			if !strings.Contains(m.Text, statusURL) || !strings.Contains(m.HTML, `href="`+statusURL+`"`) {
				t.Fatalf("message %q lacks the status link %s:\n%s\n%s", m.Subject, statusURL, m.Text, m.HTML)
			}
			bySubject[m.Subject] = m
		}
		for _, s := range []string{"[TEST] Order #1001 confirmed", "[TEST] Order #1001 is on the way", "[TEST] A refund for order #1001"} {
			if _, ok := bySubject[s]; !ok {
				t.Fatalf("no message %q among %v", s, msgs)
			}
		}
		ship := bySubject["[TEST] Order #1001 is on the way"]
		if !strings.Contains(ship.HTML, `href="https://track.example/1ZTRACK"`) || !strings.Contains(ship.Text, "https://track.example/1ZTRACK") || !strings.Contains(ship.Text, "UPS 1ZTRACK") {
			t.Fatalf("shipping mail lacks tracking:\n%s\n%s", ship.Text, ship.HTML)
		}
		if r := bySubject["[TEST] A refund for order #1001"]; !strings.Contains(r.Text, "1.00 USD") {
			t.Fatalf("refund mail: %s", r.Text)
		}
		api.app.orders.Wait()
		if n := db.OrderEvent.Query().Where(orderevent.OrderID(p.ID), orderevent.Kind("EMAIL_SENT")).CountX(ctx); n != 3 {
			t.Fatalf("%d EMAIL_SENT on the timeline, want 3", n)
		}

		// The customer sees it through the Storefront API.
		var got struct {
			Node struct {
				FinancialStatus, FulfillmentStatus string
				CanceledAt, CancelReason           *string
				TotalRefunded                      struct{ Amount string }
				SuccessfulFulfillments             []struct {
					TrackingCompany      string
					TrackingInfo         []struct{ Number, URL string }
					FulfillmentLineItems struct {
						Nodes []struct {
							Quantity int
							LineItem struct{ Title string }
						}
					}
				}
			} `json:"node"`
		}
		q := `query($id: ID!) { node(id: $id) { ... on Order { financialStatus fulfillmentStatus canceledAt cancelReason totalRefunded { amount }
			successfulFulfillments(first: 5) { trackingCompany trackingInfo { number url } fulfillmentLineItems(first: 10) { nodes { quantity lineItem { title } } } } } } }`
		body := mustJSON(map[string]any{"query": q, "variables": map[string]any{"id": p.GID}})
		req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Customer-Access-Token", token)
		sendRequest(t, req).decode(t, &got)
		n := got.Node
		if n.FinancialStatus != "PARTIALLY_REFUNDED" || n.FulfillmentStatus != "PARTIALLY_FULFILLED" || n.TotalRefunded.Amount != "1.00" || n.CanceledAt != nil ||
			len(n.SuccessfulFulfillments) != 1 || n.SuccessfulFulfillments[0].TrackingCompany != "UPS" ||
			len(n.SuccessfulFulfillments[0].TrackingInfo) != 1 || n.SuccessfulFulfillments[0].TrackingInfo[0].URL != "https://track.example/1ZTRACK" ||
			len(n.SuccessfulFulfillments[0].FulfillmentLineItems.Nodes) != 1 || n.SuccessfulFulfillments[0].FulfillmentLineItems.Nodes[0].Quantity != 1 {
			t.Fatalf("storefront order %+v", n)
		}
		// And on the order status page.
		resp, err := http.Get(api.URL + "/orders/status/" + o.StatusToken)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`id="test-order"`, `href="https://track.example/1ZTRACK"`, `id="refunded"`, "PARTIALLY_REFUNDED"} {
			if !strings.Contains(string(page), want) {
				t.Fatalf("status page lacks %s:\n%s", want, page)
			}
		}

		// Cancelling the rest mails the cancellation; a refused recipient is on the timeline.
		p2 := placeTestOrder(t, api, db, "mail-2", 1)
		api.app.orders.Wait() // its confirmation went out
		db.Order.UpdateOneID(p2.ID).SetEmail("gone@bounce.example.com").ExecX(ctx)
		if c := orderOp(t, api, key, "orderCancel", "id: $id, reason: $reason, restock: $restock, refund: $refund, notifyCustomer: true",
			map[string]any{"id": p2.GID, "reason": "CUSTOMER", "restock": true, "refund": false}); c != nil {
			t.Fatalf("cancel: %v", c)
		}
		api.app.orders.Wait()
		if n := db.OrderEvent.Query().Where(orderevent.OrderID(p2.ID), orderevent.Kind("EMAIL_FAILED")).CountX(ctx); n != 1 {
			kinds := timelineKinds(t, db, p2.ID)
			t.Fatalf("EMAIL_FAILED %d times on %v, want once (the refused cancellation mail)", n, kinds)
		}
	})
}
