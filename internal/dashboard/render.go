package dashboard

import (
	"fmt"
	"html/template"
	"strings"

	"storefront/internal/analytics"
	"storefront/internal/money"
	"storefront/internal/sales"
)

// chart is a line chart drawn as inline SVG by the server.
type chart struct {
	Width, Height int
	Line          string // polyline points
	Points        []point
	YLabels       []label
	XLabels       []label
	Empty         bool
}

type point struct {
	X, Y  float64
	Title string
}

type label struct {
	X, Y   float64
	Text   string
	Anchor string
}

const (
	chartW, chartH         = 720, 260
	padL, padR, padT, padB = 70, 16, 16, 36
)

// lineChart plots the net sales of each period.
func lineChart(rep *sales.SalesReport) chart {
	c := chart{Width: chartW, Height: chartH}
	n := len(rep.Periods)
	var hi int64
	for _, p := range rep.Periods {
		hi = max(hi, p.Totals.Net)
	}
	c.Empty = hi == 0
	if hi <= 0 {
		hi = 1
	}
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	var pts []string
	for i, p := range rep.Periods {
		x := float64(padL)
		if n > 1 {
			x += plotW * float64(i) / float64(n-1)
		} else {
			x += plotW / 2
		}
		y := float64(padT) + plotH*(1-float64(max(p.Totals.Net, 0))/float64(hi))
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		c.Points = append(c.Points, point{X: x, Y: y, Title: fmt.Sprintf("%s: %s %s net, %d orders", p.Start, money.Format(p.Totals.Net, rep.CurrencyCode), rep.CurrencyCode, p.Totals.Orders)})
		switch {
		case i == 0:
			c.XLabels = append(c.XLabels, label{X: x, Y: float64(chartH - 12), Text: p.Start, Anchor: "start"})
		case i == n-1:
			c.XLabels = append(c.XLabels, label{X: x, Y: float64(chartH - 12), Text: p.Start, Anchor: "end"})
		case n > 2 && i == n/2:
			c.XLabels = append(c.XLabels, label{X: x, Y: float64(chartH - 12), Text: p.Start, Anchor: "middle"})
		}
	}
	c.Line = strings.Join(pts, " ")
	for i := 0; i <= 4; i++ {
		v := hi * int64(i) / 4
		c.YLabels = append(c.YLabels, label{X: padL - 8, Y: float64(padT) + plotH*(1-float64(i)/4), Text: money.Format(v, rep.CurrencyCode)})
	}
	return c
}

// bar is one step of the conversion funnel drawn as a horizontal bar.
type bar struct {
	Label    string
	Sessions int64
	Rate     string // of the step before ("" for the first)
	Y, Width float64
}

// funnelBars draws the funnel's steps, each bar as long as its share of the sessions.
func funnelBars(f analytics.Funnel) []bar {
	names := map[string]string{"SESSIONS": "Sessions", "PRODUCT_VIEWS": "Product views", "ADDS_TO_CART": "Added to cart",
		"CHECKOUTS_STARTED": "Checkouts started", "ORDERS": "Orders"}
	steps := f.Steps()
	out := make([]bar, len(steps))
	for i, st := range steps {
		w := 0.0
		if f.Sessions > 0 {
			w = 480 * float64(st.Sessions) / float64(f.Sessions)
		}
		out[i] = bar{Label: names[st.Step], Sessions: st.Sessions, Y: float64(8 + 36*i), Width: max(w, 1)}
		if i > 0 {
			out[i].Rate = fmt.Sprintf("%.1f%%", 100*st.Rate)
		}
	}
	return out
}

// change is the relative change from prev to cur as text ("+12.5%"), or "—".
func change(cur, prev int64) string {
	if prev == 0 {
		return "—"
	}
	return fmt.Sprintf("%+.1f%%", float64(cur-prev)*100/float64(prev))
}

var funcs = template.FuncMap{
	"add":     func(a, b float64) float64 { return a + b },
	"money":   func(v int64, cur string) string { return money.Format(v, cur) + " " + cur },
	"change":  func(cur, prev int64) string { return change(cur, prev) },
	"ichange": func(cur, prev int) string { return change(int64(cur), int64(prev)) },
	"days": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f", *f)
	},
	"pct": func(f *float64) string {
		if f == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f%%", *f*100)
	},
	"sub": func(a, b float64) float64 { return a - b },
}

// css is the dashboard's style sheet, inlined with the page's nonce.
const css = `
body{font:15px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f6f7;color:#202223}
header{display:flex;justify-content:space-between;align-items:center;padding:12px 24px;background:#1a1c1d;color:#fff}
header form{margin:0}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
section{background:#fff;border:1px solid #e1e3e5;border-radius:8px;padding:16px;margin:16px 0;overflow-x:auto}
h1{font-size:18px;margin:0}h2{font-size:16px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(4,1fr);gap:12px}
.card{border:1px solid #e1e3e5;border-radius:6px;padding:10px}
.card b{display:block;font-size:20px}.card small{color:#6d7175}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #e1e3e5}
td.n,th.n{text-align:right}
.problem{color:#d72c0d}
button,input,select{font:inherit;padding:6px 10px}
svg text{font-size:11px;fill:#6d7175}
.signin{max-width:420px;margin:80px auto}
.signin input{width:100%;box-sizing:border-box;margin:8px 0}
ul.csv{columns:2}
`

var signInTmpl = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sign in · Storefront dashboard</title><style nonce="{{.Nonce}}">{{.CSS}}</style></head>
<body><main class="signin"><section>
<h1>Storefront dashboard</h1>
<p>Sign in with an Admin API key that has the <code>analytics:read</code> scope.</p>
{{if .Problem}}<p class="problem" role="alert">{{.Problem}}</p>{{end}}
<form method="post" action="/admin/signin">
<input type="hidden" name="csrf" value="{{.CSRF}}">
<label for="key">API key</label>
<input id="key" name="key" type="password" autocomplete="off" required>
<button type="submit">Sign in</button>
</form></section></main></body></html>`))

var dashboardTmpl = template.Must(template.New("dashboard").Funcs(funcs).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Storefront dashboard</title><style nonce="{{.Nonce}}">{{.CSS}}</style></head>
<body>
<header><h1>Storefront dashboard</h1>
<form method="post" action="/admin/signout"><span>{{.KeyName}}</span> <input type="hidden" name="csrf" value="{{.CSRF}}"><button type="submit">Sign out</button></form>
</header>
<main>
<section id="range"><form method="get" action="/admin">
<label>From <input type="date" name="from" value="{{.From}}"></label>
<label>To <input type="date" name="to" value="{{.To}}"></label>
<label>By <select name="granularity">
<option value="DAY"{{if eq .Granularity "DAY"}} selected{{end}}>day</option>
<option value="WEEK"{{if eq .Granularity "WEEK"}} selected{{end}}>week</option>
<option value="MONTH"{{if eq .Granularity "MONTH"}} selected{{end}}>month</option>
</select></label>
<button type="submit">Show</button>
</form>
{{if .Problem}}<p class="problem" role="alert">{{.Problem}}</p>{{end}}
</section>
{{with .Sales}}{{$cur := .CurrencyCode}}
<section id="sales"><h2>Sales {{.From}} – {{.To}} <small>({{.Timezone}})</small></h2>
<div class="cards">
<div class="card"><small>Net sales</small><b>{{money .Totals.Net $cur}}</b><small>{{with .Previous}}{{change $.Sales.Totals.Net .Net}} vs previous period{{end}}</small></div>
<div class="card"><small>Orders</small><b>{{.Totals.Orders}}</b><small>{{with .Previous}}{{ichange $.Sales.Totals.Orders .Orders}}{{end}}</small></div>
<div class="card"><small>Average order value</small><b>{{money .Totals.AverageOrderValue $cur}}</b><small>{{with .Previous}}{{change $.Sales.Totals.AverageOrderValue .AverageOrderValue}}{{end}}</small></div>
<div class="card"><small>Total sales</small><b>{{money .Totals.Total $cur}}</b><small>gross {{money .Totals.Gross $cur}} · discounts {{money .Totals.Discounts $cur}} · refunds {{money .Totals.Refunds $cur}}</small></div>
</div>
{{with $.Chart}}
<svg id="sales-chart" role="img" aria-label="Net sales by period" width="100%" viewBox="0 0 {{.Width}} {{.Height}}" xmlns="http://www.w3.org/2000/svg">
{{range .YLabels}}<line x1="70" x2="704" y1="{{.Y}}" y2="{{.Y}}" stroke="#e1e3e5"/><text x="{{.X}}" y="{{.Y}}" text-anchor="end" dominant-baseline="middle">{{.Text}}</text>{{end}}
{{range .XLabels}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>{{end}}
<polyline points="{{.Line}}" fill="none" stroke="#008060" stroke-width="2"/>
{{range .Points}}<circle cx="{{.X}}" cy="{{.Y}}" r="3" fill="#008060"><title>{{.Title}}</title></circle>{{end}}
</svg>{{end}}
</section>
<section id="top-products"><h2>Top products</h2>
<table><thead><tr><th>Product</th><th class="n">Units</th><th class="n">Net sales</th></tr></thead><tbody>
{{range $.TopProducts}}<tr><td>{{.Title}}</td><td class="n">{{.Units}}</td><td class="n">{{money .Net $cur}}</td></tr>
{{else}}<tr><td colspan="3">No sales in this range.</td></tr>{{end}}
</tbody></table></section>
{{end}}
{{with .Funnel}}
<section id="funnel"><h2>Conversion funnel</h2>
<svg id="funnel-chart" role="img" aria-label="Sessions at each step to an order" width="100%" viewBox="0 0 720 188" xmlns="http://www.w3.org/2000/svg">
{{range .}}<text x="150" y="{{.Y}}" dy="18" text-anchor="end">{{.Label}}</text><rect x="160" y="{{.Y}}" width="{{.Width}}" height="26" fill="#008060"><title>{{.Label}}: {{.Sessions}}</title></rect><text x="{{add .Width 168}}" y="{{.Y}}" dy="18">{{.Sessions}}{{if .Rate}} ({{.Rate}}){{end}}</text>
{{end}}</svg></section>
{{end}}
{{with .Inventory}}
<section id="low-stock"><h2>Low stock <small>(at most {{.LowStockThreshold}} units)</small></h2>
<table><thead><tr><th>Variant</th><th>SKU</th><th class="n">Available</th><th class="n">Sold</th><th class="n">Days of cover</th><th class="n">Sell-through</th></tr></thead><tbody>
{{range .LowStock}}<tr><td>{{.Title}}</td><td>{{.SKU}}</td><td class="n">{{.Available}}</td><td class="n">{{.UnitsSold}}</td><td class="n">{{days .DaysOfCover}}</td><td class="n">{{pct .SellThrough}}</td></tr>
{{else}}<tr><td colspan="6">Nothing is low on stock.</td></tr>{{end}}
</tbody></table></section>
{{end}}
{{range .Reports}}{{if or .Table .Problem}}
<section id="report-{{.Name}}"><h2>{{.Title}}</h2>
{{if .Problem}}<p class="problem">{{.Problem}}</p>{{end}}
{{with .Table}}<table><thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr>{{range .}}<td>{{.}}</td>{{end}}</tr>{{else}}<tr><td>No rows.</td></tr>{{end}}
</tbody></table>{{end}}
<p><a href="{{.CSV}}">Download CSV</a></p>
</section>{{end}}{{end}}
{{if .Reports}}<section id="downloads"><h2>Download CSV</h2><ul class="csv">
{{range .Reports}}<li><a href="{{.CSV}}">{{.Title}}</a></li>{{end}}
</ul></section>{{end}}
</main></body></html>`))
