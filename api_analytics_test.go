package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"storefront/ent/product"
	"storefront/internal/analytics"
	"storefront/internal/gid"
	"storefront/internal/reports"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

const browserUA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// postEvents sends a batch to POST /events as a browser would.
func (a *testAPI) postEvents(t testing.TB, contentType, ua string, body []byte) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+"/events", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func batchJSON(consent *bool, events ...map[string]any) []byte {
	b := map[string]any{"events": events}
	if consent != nil {
		b["consent"] = map[string]any{"analytics": *consent}
	}
	out, _ := json.Marshal(b)
	return out
}

func ev(name, client, session string, at time.Time, url, referrer string, data map[string]any) map[string]any {
	e := map[string]any{"name": name, "clientId": client, "timestamp": at.UTC().Format(time.RFC3339Nano)}
	if session != "" {
		e["sessionId"] = session
	}
	if url != "" {
		e["url"] = url
	}
	if referrer != "" {
		e["referrer"] = referrer
	}
	if data != nil {
		e["data"] = data
	}
	return e
}

// TestEventsEndpoint: POST /events takes batches of standard events as JSON or as
// sendBeacon's text/plain, refuses invalid events by index and reason, oversized
// batches, other content types and unknown names, drops bots' events (counted), keeps
// visitor IDs only with consent and never the raw address.
func TestEventsEndpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := testConfig()
		cfg.CORSOrigins = []string{"https://shop.example"}
		api := startAPIWith(t, b, cfg, fixture)
		now := time.Now()
		yes, no := true, false

		status, out := api.postEvents(t, "application/json", browserUA, batchJSON(&yes,
			ev("page_viewed", "c1", "s1", now, "https://shop.example/?utm_source=News&utm_medium=email&utm_campaign=dec", "https://mail.example.com/inbox", nil),
			ev("product_viewed", "c1", "s1", now, "", "", map[string]any{"productId": gid.Format(gid.Product, 1)})))
		if status != http.StatusAccepted || out["accepted"] != float64(2) {
			t.Fatalf("json batch: %d %v", status, out)
		}
		status, out = api.postEvents(t, "text/plain;charset=UTF-8", browserUA, batchJSON(&no,
			ev("search_submitted", "c2", "s2", now, "", "", map[string]any{"searchTerm": "  Crème  "})))
		if status != http.StatusAccepted || out["accepted"] != float64(1) {
			t.Fatalf("sendBeacon batch: %d %v", status, out)
		}

		// Invalid events are listed by index and reason; none of the batch is accepted.
		status, out = api.postEvents(t, "application/json", browserUA, batchJSON(&yes,
			ev("page_viewed", "c1", "", now, "", "", nil),
			ev("add_payment_info", "c1", "", now, "", "", nil),
			ev("page_viewed", "", "", now, "", "", nil),
			ev("page_viewed", "c1", "", now.Add(-30*24*time.Hour), "", "", nil),
			ev("product_viewed", "c1", "", now, "", "", nil),
			ev("page_viewed", "c1", "", now, "javascript:alert(1)", "", nil)))
		if status != http.StatusBadRequest || out["accepted"] != float64(0) {
			t.Fatalf("invalid batch: %d %v", status, out)
		}
		var idx []string
		for _, i := range out["invalid"].([]any) {
			m := i.(map[string]any)
			if m["reason"] == "" {
				t.Errorf("no reason: %v", m)
			}
			idx = append(idx, fmt.Sprint(m["index"]))
		}
		if got := strings.Join(idx, ","); got != "1,2,3,4,5" {
			t.Errorf("invalid indexes %s, want 1,2,3,4,5 (%v)", got, out)
		}

		many := make([]map[string]any, 101)
		for i := range many {
			many[i] = ev("page_viewed", "c1", "", now, "", "", nil)
		}
		if status, _ := api.postEvents(t, "application/json", browserUA, batchJSON(&yes, many...)); status != http.StatusBadRequest {
			t.Errorf("101 events: %d, want 400", status)
		}
		big := batchJSON(&yes, ev("page_viewed", "c1", "", now, "https://shop.example/?q="+strings.Repeat("x", 70<<10), "", nil))
		if status, _ := api.postEvents(t, "application/json", browserUA, big); status != http.StatusRequestEntityTooLarge {
			t.Errorf("70 KB batch: %d, want 413", status)
		}
		if status, _ := api.postEvents(t, "application/x-www-form-urlencoded", browserUA, batchJSON(&yes, ev("page_viewed", "c1", "", now, "", "", nil))); status != http.StatusUnsupportedMediaType {
			t.Errorf("form body: %d, want 415", status)
		}
		if status, _ := api.postEvents(t, "application/json", browserUA, []byte(`{"events": [`)); status != http.StatusBadRequest {
			t.Errorf("broken JSON: %d, want 400", status)
		}

		// A known bot is answered, and its events are dropped and counted.
		status, out = api.postEvents(t, "application/json", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
			batchJSON(&yes, ev("page_viewed", "bot", "", now, "", "", nil), ev("page_viewed", "bot", "", now, "", "", nil)))
		if status != http.StatusAccepted || out["accepted"] != float64(0) || api.app.events.Stats().Bots != 2 {
			t.Errorf("bot: %d %v, %d bot events counted", status, out, api.app.events.Stats().Bots)
		}

		// CORS as for the Storefront API.
		req, _ := http.NewRequest(http.MethodOptions, api.URL+"/events", nil)
		req.Header.Set("Origin", "https://shop.example")
		req.Header.Set("Access-Control-Request-Method", "POST")
		req.Header.Set("Access-Control-Request-Headers", "content-type")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
			t.Errorf("preflight from the storefront's origin: %v", resp.Header)
		}
		req.Header.Set("Origin", "https://evil.example")
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from another origin allowed: %v", resp.Header)
		}

		api.flushSearches(t)
		rows, err := api.DB.SQL.Query(`SELECT name, COALESCE(client_id, ''), COALESCE(session_id, ''), COALESCE(ip_hash, ''),
			COALESCE(utm_source, ''), COALESCE(utm_campaign, ''), COALESCE(search_term, '') FROM analytics_events ORDER BY name`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var name, client, session, ip, src, camp, term string
			if err := rows.Scan(&name, &client, &session, &ip, &src, &camp, &term); err != nil {
				t.Fatal(err)
			}
			if ip == "" || strings.Contains(ip, "127.0.0.1") || strings.Contains(ip, ".") {
				t.Errorf("ip_hash %q is not a hash", ip)
			}
			got = append(got, strings.Join([]string{name, client, session, src, camp, term}, "|"))
		}
		rows.Close()
		want := "page_viewed|c1|s1|news|dec|, product_viewed|c1|s1|||, search_submitted|||||creme"
		if strings.Join(got, ", ") != want {
			t.Errorf("stored events:\n%s\nwant\n%s", strings.Join(got, ", "), want)
		}
	})
}

const funnelQuery = `query($from: String!, $to: String!, $g: ReportGranularity) { r: conversionFunnel(from: $from, to: $to, granularity: $g) {
	range { from to previousFrom previousTo }
	current { steps { step sessions rate } conversionRate cartAbandonmentRate ordersPlaced revenue }
	previous { steps { step sessions rate } conversionRate cartAbandonmentRate ordersPlaced revenue }
	periods { start end sessions productViews addsToCart checkoutsStarted orders }
} }`

const trafficQuery = `query($from: String!, $to: String!) { r: trafficReport(from: $from, to: $to) {
	sessions orders previousSessions previousOrders
	sources { referrer utmSource utmMedium utmCampaign sessions orders previousSessions previousOrders conversionRate }
	periods { start sessions orders }
} }`

const searchReportQuery = `query($from: String!, $to: String!) { r: searchReport(from: $from, to: $to) {
	current { searches searchesWithoutResults clicks purchases conversionRate }
	previous { searches searchesWithoutResults clicks purchases conversionRate }
	topSearches { term searches searchesWithoutResults averageResults clicks purchases conversionRate }
	searchesWithoutResults { term searches searchesWithoutResults }
} }`

// compact renders a decoded JSON value without spaces, for comparing with expectations.
func compact(t testing.TB, raw json.RawMessage) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestAnalyticsReportsByHand: a small fixed set of storefront events, whose every figure
// below was counted by hand, through POST /events and the Admin API's reports, in a shop
// time zone (Asia/Kolkata, UTC+5:30) where one event's UTC day is not its shop day.
func TestAnalyticsReportsByHand(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		api.DB.Shop.Update().SetIanaTimezone("Asia/Kolkata").ExecX(ctx)
		loc, _ := time.LoadLocation("Asia/Kolkata")
		today := time.Now().In(loc)
		day := func(back int) time.Time {
			y, m, d := today.AddDate(0, 0, -back).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, loc)
		}
		d1, d2, prev := day(2), day(1), day(3) // the range is d1..d2; the previous period is prev
		at := func(d time.Time, h, min int) time.Time {
			return d.Add(time.Duration(h)*time.Hour + time.Duration(min)*time.Minute)
		}
		p1 := map[string]any{"productId": gid.Format(gid.Product, 1)}
		p2 := map[string]any{"productId": gid.Format(gid.Product, 2)}
		news := "https://shop.test/?utm_source=news&utm_medium=email&utm_campaign=dec"
		yes := true
		events := []map[string]any{
			// s1 (d1): from a newsletter, searches "Shirt", views, adds, checks out, orders.
			ev("page_viewed", "c1", "s1", at(d1, 10, 0), news, "https://mail.example.com/", nil),
			ev("search_submitted", "c1", "s1", at(d1, 10, 1), "", "", map[string]any{"searchTerm": "Shirt", "resultCount": 3}),
			ev("product_viewed", "c1", "s1", at(d1, 10, 2), "", "", p1),
			ev("product_added_to_cart", "c1", "s1", at(d1, 10, 3), "", "", p1),
			ev("checkout_started", "c1", "s1", at(d1, 10, 4), "", "", nil),
			ev("checkout_completed", "c1", "s1", at(d1, 10, 5), "", "", nil),
			// s2 (d1): from Google, searches "zzz" (nothing found), views two products, adds.
			ev("page_viewed", "c2", "s2", at(d1, 12, 0), "https://shop.test/products/x", "https://www.google.com/search", nil),
			ev("search_submitted", "c2", "s2", at(d1, 12, 1), "", "", map[string]any{"searchTerm": "zzz", "resultCount": 0}),
			ev("product_viewed", "c2", "s2", at(d1, 12, 2), "", "", p2),
			ev("product_viewed", "c2", "s2", at(d1, 12, 3), "", "", p1),
			ev("product_added_to_cart", "c2", "s2", at(d1, 12, 4), "", "", p2),
			// s3: 01:00 on d2 in the shop (19:30 UTC the day before): direct, one view.
			ev("page_viewed", "c3", "s3", at(d2, 1, 0), "https://shop.test/", "", nil),
			ev("product_viewed", "c3", "s3", at(d2, 1, 1), "", "", p1),
			// s4 (d2): the newsletter again, no referrer: searches "shirt", adds, checks out.
			ev("page_viewed", "c3", "s4", at(d2, 15, 0), news, "", nil),
			ev("search_submitted", "c3", "s4", at(d2, 15, 1), "", "", map[string]any{"searchTerm": "shirt", "resultCount": 5}),
			ev("product_added_to_cart", "c3", "s4", at(d2, 15, 2), "", "", p1),
			ev("checkout_started", "c3", "s4", at(d2, 15, 3), "", "", nil),
			// s5 (the previous period): from Google, views and orders.
			ev("page_viewed", "c5", "s5", at(prev, 11, 0), "https://shop.test/", "https://google.com/", nil),
			ev("product_viewed", "c5", "s5", at(prev, 11, 1), "", "", p1),
			ev("checkout_completed", "c5", "s5", at(prev, 11, 2), "", "", nil),
		}
		if status, out := api.postEvents(t, "application/json", browserUA, batchJSON(&yes, events...)); status != http.StatusAccepted || out["accepted"] != float64(len(events)) {
			t.Fatalf("batch: %d %v", status, out)
		}
		// Without consent (d2): no session, but the view and the search count.
		if status, _ := api.postEvents(t, "text/plain", browserUA, batchJSON(nil,
			ev("page_viewed", "c9", "s9", at(d2, 16, 0), "https://shop.test/", "", nil),
			ev("product_viewed", "c9", "s9", at(d2, 16, 1), "", "", p2),
			ev("search_submitted", "c9", "s9", at(d2, 16, 2), "", "", map[string]any{"searchTerm": "mug", "resultCount": 2}))); status != http.StatusAccepted {
			t.Fatalf("batch without consent: %d", status)
		}
		api.flushSearches(t)

		key := adminKey(t, api.DB, "analytics:read")
		vars := map[string]any{"from": d1.Format(time.DateOnly), "to": d2.Format(time.DateOnly), "g": "DAY"}
		var f struct {
			R struct {
				Range    json.RawMessage `json:"range"`
				Current  json.RawMessage `json:"current"`
				Previous json.RawMessage `json:"previous"`
				Periods  json.RawMessage `json:"periods"`
			} `json:"r"`
		}
		api.adminPost(t, key, funnelQuery, vars).decode(t, &f)
		checks := []struct{ name, got, want string }{
			{"range", compact(t, f.R.Range), fmt.Sprintf(`{"from":"%s","to":"%s","previousFrom":"%s","previousTo":"%s"}`,
				d1.Format(time.DateOnly), d2.Format(time.DateOnly), day(4).Format(time.DateOnly), prev.Format(time.DateOnly))},
			// Sessions s1..s4; views s1 s2 s3; adds s1 s2 s4; checkouts s1 s4; orders s1.
			{"current", compact(t, f.R.Current), `{"steps":[{"step":"SESSIONS","sessions":4,"rate":1},{"step":"PRODUCT_VIEWS","sessions":3,"rate":0.75},` +
				`{"step":"ADDS_TO_CART","sessions":3,"rate":1},{"step":"CHECKOUTS_STARTED","sessions":2,"rate":0.6666666666666666},` +
				`{"step":"ORDERS","sessions":1,"rate":0.5}],"conversionRate":0.25,"cartAbandonmentRate":0.6666666666666667,"ordersPlaced":0,"revenue":"0.00"}`},
			// s5 only: viewed and ordered without an add (its add event was not sent).
			{"previous", compact(t, f.R.Previous), `{"steps":[{"step":"SESSIONS","sessions":1,"rate":1},{"step":"PRODUCT_VIEWS","sessions":1,"rate":1},` +
				`{"step":"ADDS_TO_CART","sessions":0,"rate":0},{"step":"CHECKOUTS_STARTED","sessions":0,"rate":0},` +
				`{"step":"ORDERS","sessions":1,"rate":0}],"conversionRate":1,"cartAbandonmentRate":0,"ordersPlaced":0,"revenue":"0.00"}`},
			{"periods", compact(t, f.R.Periods), fmt.Sprintf(`[{"start":"%[1]s","end":"%[1]s","sessions":2,"productViews":2,"addsToCart":2,"checkoutsStarted":1,"orders":1},`+
				`{"start":"%[2]s","end":"%[2]s","sessions":2,"productViews":1,"addsToCart":1,"checkoutsStarted":1,"orders":0}]`, d1.Format(time.DateOnly), d2.Format(time.DateOnly))},
		}
		var tr struct {
			R json.RawMessage `json:"r"`
		}
		api.adminPost(t, key, trafficQuery, vars).decode(t, &tr)
		checks = append(checks, struct{ name, got, want string }{"traffic", compact(t, tr.R),
			`{"sessions":4,"orders":1,"previousSessions":1,"previousOrders":1,"sources":[` +
				`{"referrer":"mail.example.com","utmSource":"news","utmMedium":"email","utmCampaign":"dec","sessions":1,"orders":1,"previousSessions":0,"previousOrders":0,"conversionRate":1},` +
				`{"referrer":null,"utmSource":null,"utmMedium":null,"utmCampaign":null,"sessions":1,"orders":0,"previousSessions":0,"previousOrders":0,"conversionRate":0},` +
				`{"referrer":null,"utmSource":"news","utmMedium":"email","utmCampaign":"dec","sessions":1,"orders":0,"previousSessions":0,"previousOrders":0,"conversionRate":0},` +
				`{"referrer":"google.com","utmSource":null,"utmMedium":null,"utmCampaign":null,"sessions":1,"orders":0,"previousSessions":1,"previousOrders":1,"conversionRate":0}],` +
				fmt.Sprintf(`"periods":[{"start":"%s","sessions":2,"orders":1},{"start":"%s","sessions":2,"orders":0}]}`, d1.Format(time.DateOnly), d2.Format(time.DateOnly))})
		var sr struct {
			R json.RawMessage `json:"r"`
		}
		api.adminPost(t, key, searchReportQuery, vars).decode(t, &sr)
		// shirt: 2 searches (3 and 5 results), 1 click and 1 purchase (s1); zzz: nothing
		// found, 2 clicks (s2); mug: 2 results, no session. 4 searches, 1 purchase.
		checks = append(checks, struct{ name, got, want string }{"search", compact(t, sr.R),
			`{"current":{"searches":4,"searchesWithoutResults":1,"clicks":3,"purchases":1,"conversionRate":0.25},` +
				`"previous":{"searches":0,"searchesWithoutResults":0,"clicks":0,"purchases":0,"conversionRate":0},` +
				`"topSearches":[{"term":"shirt","searches":2,"searchesWithoutResults":0,"averageResults":4,"clicks":1,"purchases":1,"conversionRate":0.5},` +
				`{"term":"mug","searches":1,"searchesWithoutResults":0,"averageResults":2,"clicks":0,"purchases":0,"conversionRate":0},` +
				`{"term":"zzz","searches":1,"searchesWithoutResults":1,"averageResults":0,"clicks":2,"purchases":0,"conversionRate":0}],` +
				`"searchesWithoutResults":[{"term":"zzz","searches":1,"searchesWithoutResults":1}]}`})
		// Product views per product: p1 in s1 s2 s3 (and s5 before), p2 in s2 and without consent.
		var views1, views2 int
		if err := api.DB.SQL.QueryRow(rebindTest(api.DB, `SELECT
			COALESCE(SUM(CASE WHEN product_id = 1 THEN views ELSE 0 END), 0), COALESCE(SUM(CASE WHEN product_id = 2 THEN views ELSE 0 END), 0)
			FROM analytics_product_daily WHERE day >= ? AND day <= ?`), vars["from"], vars["to"]).Scan(&views1, &views2); err != nil {
			t.Fatal(err)
		}
		checks = append(checks, struct{ name, got, want string }{"product views", fmt.Sprint(views1, views2), "3 2"})
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s:\n got %s\nwant %s", c.name, c.got, c.want)
			}
		}

		// The same figures as CSV, through the reports registry (the dashboard's sections).
		q := fmt.Sprintf("?from=%s&to=%s", vars["from"], vars["to"])
		for _, c := range []struct {
			name string
			want [][]string
		}{
			{"conversion-funnel", [][]string{
				{"period_start", "period_end", "sessions", "product_views", "adds_to_cart", "checkouts_started", "orders", "conversion_rate", "cart_abandonment_rate"},
				{d1.Format(time.DateOnly), d1.Format(time.DateOnly), "2", "2", "2", "1", "1", "0.5000", "0.5000"},
				{d2.Format(time.DateOnly), d2.Format(time.DateOnly), "2", "1", "1", "1", "0", "0.0000", "1.0000"},
				{vars["from"].(string), vars["to"].(string), "4", "3", "3", "2", "1", "0.2500", "0.6667"}}},
			{"traffic", [][]string{
				{"referrer", "utm_source", "utm_medium", "utm_campaign", "sessions", "orders", "conversion_rate", "previous_sessions", "previous_orders"},
				{"mail.example.com", "news", "email", "dec", "1", "1", "1.0000", "0", "0"},
				{"", "", "", "", "1", "0", "0.0000", "0", "0"},
				{"", "news", "email", "dec", "1", "0", "0.0000", "0", "0"},
				{"google.com", "", "", "", "1", "0", "0.0000", "1", "1"}}},
			{"searches", [][]string{
				{"term", "searches", "average_results", "no_results", "clicks", "purchases", "conversion_rate"},
				{"shirt", "2", "4.00", "0", "1", "1", "0.5000"},
				{"mug", "1", "2.00", "0", "0", "0", "0.0000"},
				{"zzz", "1", "0.00", "1", "2", "0", "0.0000"}}},
			{"searches-without-results", [][]string{
				{"term", "searches", "average_results", "no_results", "clicks", "purchases", "conversion_rate"},
				{"zzz", "1", "0.00", "1", "2", "0", "0.0000"}}},
		} {
			status, rows := getCSV(t, api, key, "/admin/reports/"+c.name+".csv"+q)
			if status != http.StatusOK || fmt.Sprint(rows) != fmt.Sprint(c.want) {
				t.Errorf("%s.csv: %d\n got %q\nwant %q", c.name, status, rows, c.want)
			}
		}
		if status, _ := getCSV(t, api, key, "/admin/reports/traffic.csv?from=2026-02-30&to=2026-03-01"); status != http.StatusBadRequest {
			t.Errorf("traffic.csv with a bad date: %d, want 400", status)
		}

		// A week granularity puts both days in their Monday's week (or two weeks).
		api.adminPost(t, key, funnelQuery, map[string]any{"from": vars["from"], "to": vars["to"], "g": "WEEK"}).decode(t, &f)
		var weeks []struct{ Sessions int }
		_ = json.Unmarshal(f.R.Periods, &weeks)
		total := 0
		for _, w := range weeks {
			total += w.Sessions
		}
		if wantWeeks := map[bool]int{true: 2, false: 1}[d2.Weekday() == time.Monday]; len(weeks) != wantWeeks || total != 4 {
			t.Errorf("weeks %+v, want %d adding up to 4 sessions", weeks, wantWeeks)
		}

		// Scope, and bad ranges as GraphQL errors with a code.
		if resp := api.adminPost(t, adminKey(t, api.DB, "orders:read"), funnelQuery, vars); resp.errorCode() != "ACCESS_DENIED" {
			t.Errorf("without analytics:read: %s", resp.Raw)
		}
		if resp := api.adminPost(t, key, funnelQuery, map[string]any{"from": "2026-02-30", "to": "2026-03-01"}); resp.errorCode() != "BAD_USER_INPUT" {
			t.Errorf("bad date: %s", resp.Raw)
		}
		if resp := api.adminPost(t, key, funnelQuery, map[string]any{"from": "2026-03-02", "to": "2026-03-01"}); resp.errorCode() != "BAD_USER_INPUT" {
			t.Errorf("reversed range: %s", resp.Raw)
		}
	})
}

// TestFunnelSessionsCrossingMidnight: a session that goes on past midnight in the shop's
// time zone counts once, on the day it began, in the funnel and the traffic reports,
// whether its next day's events come in the same batch or a later one; an event more than
// SessionTimeout after the session's last one begins a new session. Product views stay
// on the day they happened.
func TestFunnelSessionsCrossingMidnight(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		ctx := context.Background()
		api.DB.Shop.Update().SetIanaTimezone("America/New_York").ExecX(ctx)
		loc, _ := time.LoadLocation("America/New_York")
		today := time.Now().In(loc)
		day := func(back int) time.Time {
			y, m, d := today.AddDate(0, 0, -back).Date()
			return time.Date(y, m, d, 0, 0, 0, 0, loc)
		}
		d1, d2, d3 := day(3), day(2), day(1)
		at := func(d time.Time, h, min int) time.Time {
			return time.Date(d.Year(), d.Month(), d.Day(), h, min, 0, 0, loc)
		}
		p1 := map[string]any{"productId": gid.Format(gid.Product, 1)}
		p2 := map[string]any{"productId": gid.Format(gid.Product, 2)}
		yes := true
		post := func(events ...map[string]any) {
			t.Helper()
			if status, out := api.postEvents(t, "application/json", browserUA, batchJSON(&yes, events...)); status != http.StatusAccepted {
				t.Fatalf("batch: %d %v", status, out)
			}
			api.flushSearches(t)
		}
		post(
			// sA begins at 23:50 on d1 from Google, views; after midnight adds, checks out, orders.
			ev("page_viewed", "cA", "sA", at(d1, 23, 50), "https://shop.test/", "https://www.google.com/", nil),
			ev("product_viewed", "cA", "sA", at(d1, 23, 55), "", "", p1),
			ev("product_added_to_cart", "cA", "sA", at(d2, 0, 10), "", "", p1),
			ev("checkout_started", "cA", "sA", at(d2, 0, 20), "", "", nil),
			ev("checkout_completed", "cA", "sA", at(d2, 0, 25), "", "", nil),
			// sB: a page at 23:40 on d1, then nothing until 01:00 on d2 (80 minutes): two sessions.
			ev("page_viewed", "cB", "sB", at(d1, 23, 40), "https://shop.test/", "", nil),
			ev("product_viewed", "cB", "sB", at(d2, 1, 0), "", "", p2),
			// sC begins at 23:58 on d2; its next event comes in the next batch.
			ev("page_viewed", "cC", "sC", at(d2, 23, 58), "https://shop.test/", "", nil),
		)
		post(ev("product_viewed", "cC", "sC", at(d3, 0, 5), "", "", p2))

		key := adminKey(t, api.DB, "analytics:read")
		vars := map[string]any{"from": d1.Format(time.DateOnly), "to": d3.Format(time.DateOnly), "g": "DAY"}
		var f struct {
			R struct {
				Current struct {
					Steps []struct {
						Step     string
						Sessions int
					}
				}
				Periods json.RawMessage `json:"periods"`
			} `json:"r"`
		}
		api.adminPost(t, key, funnelQuery, vars).decode(t, &f)
		var tr struct {
			R struct {
				Sessions, Orders int
				Sources          json.RawMessage
				Periods          json.RawMessage
			} `json:"r"`
		}
		api.adminPost(t, key, trafficQuery, vars).decode(t, &tr)
		var views [3]int
		for i, d := range []time.Time{d1, d2, d3} {
			if err := api.DB.SQL.QueryRow(rebindTest(api.DB, `SELECT COALESCE(SUM(views), 0) FROM analytics_product_daily WHERE day = ?`), d.Format(time.DateOnly)).Scan(&views[i]); err != nil {
				t.Fatal(err)
			}
		}
		steps := fmt.Sprint(f.R.Current.Steps)
		D1, D2, D3 := d1.Format(time.DateOnly), d2.Format(time.DateOnly), d3.Format(time.DateOnly)
		for _, c := range []struct{ name, got, want string }{
			// d1: sA (viewed, added, checked out, ordered) and sB's first visit; d2: sB's second
			// visit (viewed) and sC (viewed after midnight); d3: none.
			{"funnel", steps, "[{SESSIONS 4} {PRODUCT_VIEWS 3} {ADDS_TO_CART 1} {CHECKOUTS_STARTED 1} {ORDERS 1}]"},
			{"funnel periods", compact(t, f.R.Periods), fmt.Sprintf(`[{"start":"%[1]s","end":"%[1]s","sessions":2,"productViews":1,"addsToCart":1,"checkoutsStarted":1,"orders":1},`+
				`{"start":"%[2]s","end":"%[2]s","sessions":2,"productViews":2,"addsToCart":0,"checkoutsStarted":0,"orders":0},`+
				`{"start":"%[3]s","end":"%[3]s","sessions":0,"productViews":0,"addsToCart":0,"checkoutsStarted":0,"orders":0}]`, D1, D2, D3)},
			{"traffic", fmt.Sprint(tr.R.Sessions, " ", tr.R.Orders), "4 1"},
			{"traffic sources", compact(t, tr.R.Sources), `[` +
				`{"referrer":null,"utmSource":null,"utmMedium":null,"utmCampaign":null,"sessions":3,"orders":0,"previousSessions":0,"previousOrders":0,"conversionRate":0},` +
				`{"referrer":"google.com","utmSource":null,"utmMedium":null,"utmCampaign":null,"sessions":1,"orders":1,"previousSessions":0,"previousOrders":0,"conversionRate":1}]`},
			{"traffic periods", compact(t, tr.R.Periods), fmt.Sprintf(`[{"start":"%s","sessions":2,"orders":1},{"start":"%s","sessions":2,"orders":0},{"start":"%s","sessions":0,"orders":0}]`, D1, D2, D3)},
			// Views by the day they happened: p1 at 23:55 on d1, p2 at 01:00 on d2, p2 at 00:05 on d3.
			{"product views", fmt.Sprint(views), "[1 1 1]"},
		} {
			if c.got != c.want {
				t.Errorf("%s:\n got %s\nwant %s", c.name, c.got, c.want)
			}
		}
	})
}

// TestServerEventsFeedTheFunnel: a storefront that sends no events (Next.js Commerce)
// still gets its funnel: the server records the cart, its lines, the checkout's first
// address and the order, and the searches.
func TestServerEventsFeedTheFunnel(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, deliveryFixture)
		ctx := context.Background()
		teeS := variantID(t, api.DB, "tee", "S / Black") // 15.00
		id := readyCart(t, api, "test_success", line(teeS, 2))
		s := submit(t, api, id, "attempt-events")
		if s.R.Result == nil || s.R.Result.Typename != "SubmitSuccess" {
			t.Fatalf("submit: %+v", s.R)
		}
		if a := attempt(t, api, s.R.Result.AttemptID); a.A == nil || a.A.Typename != "CartCompletionSuccess" {
			t.Fatalf("attempt: %+v", a.A)
		}
		api.post(t, `{ search(query: "tee", first: 1) { totalCount } }`, nil)
		today := time.Now().UTC().Format(time.DateOnly)
		var rep *analytics.FunnelReport
		// The order is recorded once placed, which the attempt may report a moment before.
		for try := 0; try < 100; try++ {
			api.flushSearches(t)
			var err error
			if rep, err = analytics.ConversionFunnel(ctx, api.DB, mustRange(t, today, today)); err != nil {
				t.Fatal(err)
			}
			if rep.Total.Placed > 0 {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		// One cart is one session: added, checked out (its address), ordered 2 × 15.00 + 5.00 shipping.
		if got := fmt.Sprintf("%+v", rep.Total); got != "{Sessions:1 ProductViews:0 AddsToCart:1 CheckoutsStarted:1 Orders:1 Placed:1 Revenue:3500}" {
			t.Errorf("funnel %s", got)
		}
		tee := api.DB.Product.Query().Where(product.Handle("tee")).OnlyX(ctx)
		var adds, orders, units, revenue int
		if err := api.DB.SQL.QueryRow(rebindTest(api.DB, `SELECT adds, orders, units, revenue FROM analytics_product_daily WHERE day = ? AND product_id = ?`), today, tee.ID).
			Scan(&adds, &orders, &units, &revenue); err != nil {
			t.Fatal(err)
		}
		if adds != 1 || orders != 1 || units != 2 || revenue != 3000 {
			t.Errorf("tee today: adds %d orders %d units %d revenue %d, want 1 1 2 3000", adds, orders, units, revenue)
		}
		if n := countEvents(t, api, "search_submitted"); n != 1 {
			t.Errorf("%d searches recorded, want 1", n)
		}
		// No visitor ID without consent: the cart's events carry only its key.
		var ids int
		if err := api.DB.SQL.QueryRow(`SELECT COUNT(*) FROM analytics_events WHERE client_id IS NOT NULL OR session_id IS NOT NULL OR customer_id IS NOT NULL`).Scan(&ids); err != nil {
			t.Fatal(err)
		}
		if ids != 0 {
			t.Errorf("%d events keep an ID without consent", ids)
		}
	})
}

func mustRange(t testing.TB, from, to string) reports.Range {
	t.Helper()
	r, err := reports.ParseRange(from, to, reports.Day)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestEventFloodDoesNotTouchCartMutations: the request path does no analytics I/O. A
// cart mutation runs the same statements, none of them on an analytics table, whether or
// not a flood of events has filled the queue (the excess is dropped and counted).
func TestEventFloodDoesNotTouchCartMutations(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		cfg := testConfig()
		cfg.AnalyticsQueue = 50
		api := startAPIWith(t, b, cfg, cartFixture)
		bulk := variantID(t, api.DB, "bulk", "Default Title")
		c := api.newCart(t, line(bulk, 1))
		add := `mutation($id: ID!, $lines: [CartLineInput!]!) { cartLinesAdd(cartId: $id, lines: $lines) { cart { totalQuantity } userErrors { code } } }`
		vars := map[string]any{"id": c.ID, "lines": []map[string]any{line(bulk, 1)}}
		api.flushSearches(t)
		_, quiet := api.countedPost(t, add, vars)

		// The flood: far more events than the queue holds, while the writer is kept busy.
		now := time.Now()
		yes := true
		batch := make([]map[string]any, 100)
		for i := range batch {
			batch[i] = ev("page_viewed", fmt.Sprintf("c%d", i), "", now, "", "", nil)
		}
		body := batchJSON(&yes, batch...)
		for range 5 {
			if status, _ := api.postEvents(t, "application/json", browserUA, body); status != http.StatusAccepted {
				t.Fatalf("flood batch: %d", status)
			}
		}
		if api.app.events.Stats().Dropped == 0 {
			t.Fatal("the flood dropped nothing: the queue was not full")
		}
		var touched []string
		body2, _ := json.Marshal(map[string]any{"query": add, "variables": vars})
		var cnt store.Counter
		req, _ := http.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body2))
		req.Header.Set("Content-Type", "application/json")
		ctx := store.WithTrace(store.WithCounter(context.Background(), &cnt), func(q string, _ []any) {
			if strings.Contains(q, "analytics_") {
				touched = append(touched, q)
			}
		})
		rec := httptest.NewRecorder()
		api.Handler.ServeHTTP(rec, req.WithContext(ctx))
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"totalQuantity":3`) {
			t.Fatalf("cartLinesAdd during the flood: %d %s", rec.Code, rec.Body.String())
		}
		if cnt.Load() != quiet {
			t.Errorf("cartLinesAdd ran %d statements during the flood, %d without", cnt.Load(), quiet)
		}
		if len(touched) > 0 {
			t.Errorf("the request ran analytics statements: %v", touched)
		}
	})
}

// TestCustomerErasureRemovesTheirEvents: the Admin API's customerErase deletes the
// customer's events: the sign-in recorded with consent, the events of the visitor ID it
// was seen with, and their session rows; another visitor's stay.
func TestCustomerErasureRemovesTheirEvents(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		api := startAPI(t, b, fixture)
		createCustomer(t, api, "ada@example.com", "correct horse battery")
		body, _ := json.Marshal(map[string]any{"query": `mutation @inContext(visitorConsent: {analytics: true}) {
			customerAccessTokenCreate(input: {email: "ada@example.com", password: "correct horse battery"}) { customerAccessToken { accessToken } } }`})
		req, _ := http.NewRequest(http.MethodPost, api.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(analytics.VisitorHeader, "ada-visitor")
		req.Header.Set(analytics.SessionHeader, "ada-session")
		if r := sendRequest(t, req); r.Status != http.StatusOK || !strings.Contains(r.Raw, "accessToken") {
			t.Fatalf("sign-in: %s", r.Raw)
		}
		yes := true
		now := time.Now()
		if status, _ := api.postEvents(t, "application/json", browserUA, batchJSON(&yes,
			ev("page_viewed", "ada-visitor", "ada-earlier", now, "https://shop.test/", "", nil),
			ev("page_viewed", "someone-else", "other-session", now, "https://shop.test/", "", nil))); status != http.StatusAccepted {
			t.Fatalf("events: %d", status)
		}
		api.flushSearches(t)
		count := func(where string) int {
			t.Helper()
			var n int
			if err := api.DB.SQL.QueryRow(`SELECT COUNT(*) FROM ` + where).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`analytics_events WHERE customer_id IS NOT NULL AND client_id = 'ada-visitor'`); n != 1 {
			t.Fatalf("%d sign-in events with the customer and visitor, want 1", n)
		}
		sessionsBefore := count(`analytics_daily`)
		c := api.DB.Customer.Query().OnlyX(context.Background())
		write := adminKey(t, api.DB, "customers:write")
		r := api.adminPost(t, write, `mutation($id: ID!) { customerErase(id: $id) { userErrors { code } } }`, map[string]any{"id": gid.Format("Customer", c.ID)})
		if len(r.Errors) > 0 || strings.Contains(r.Raw, `"code"`) {
			t.Fatalf("customerErase: %s", r.Raw)
		}
		if n := count(`analytics_events WHERE client_id = 'ada-visitor' OR customer_id IS NOT NULL`); n != 0 {
			t.Errorf("%d events of the erased customer remain", n)
		}
		if n := count(`analytics_sessions WHERE session_key LIKE '%ada%' OR customer_id IS NOT NULL`); n != 0 {
			t.Errorf("%d sessions of the erased customer remain", n)
		}
		if n := count(`analytics_events WHERE client_id = 'someone-else'`); n != 1 {
			t.Errorf("%d events of another visitor, want 1", n)
		}
		if count(`analytics_daily`) != sessionsBefore {
			t.Error("the rollups changed")
		}
	})
}

// BenchmarkEventsIngestion posts batches of 100 events to POST /events and waits until
// they are stored: events/s through one instance, HTTP and the write path included.
func BenchmarkEventsIngestion(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			api := startAPI(b, be, fixture)
			yes := true
			now := time.Now()
			events := make([]map[string]any, 100)
			for i := range events {
				events[i] = ev([]string{"page_viewed", "product_viewed", "search_submitted"}[i%3], fmt.Sprintf("c%d", i%20), fmt.Sprintf("s%d", i%20), now, "https://shop.test/?utm_source=x", "https://google.com/",
					map[string]any{"productId": gid.Format(gid.Product, 1+i%7), "searchTerm": fmt.Sprintf("term %d", i%9), "resultCount": i % 4})
			}
			body := batchJSON(&yes, events...)
			start := time.Now()
			for b.Loop() {
				if status, _ := api.postEvents(b, "application/json", browserUA, body); status != http.StatusAccepted {
					b.Fatalf("status %d", status)
				}
			}
			api.flushSearches(b)
			b.ReportMetric(float64(api.app.events.Stats().Written)/time.Since(start).Seconds(), "stored-events/s")
			if d := api.app.events.Stats().Dropped; d > 0 {
				b.Logf("%d events dropped (queue full)", d)
			}
		})
	}
}
