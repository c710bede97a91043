// Command storefront serves the Storefront API (Shopify-compatible GraphQL) over SQLite or
// PostgreSQL. `storefront` (or `storefront serve`) starts the server; `storefront seed`
// loads the demo catalog or a synthetic one for benchmarks; `storefront searches` prints
// the search report (top searches, searches without results); `storefront apikey` creates,
// lists and revokes the Admin API's keys; `storefront import` applies productSet to a JSON
// Lines file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"entgo.io/ent/dialect"
	"github.com/rs/cors"

	"storefront/graph"
	"storefront/graph/admin"
	"storefront/internal/accountpage"
	"storefront/internal/analytics"
	"storefront/internal/apikey"
	"storefront/internal/cart"
	"storefront/internal/catalog"
	"storefront/internal/checkout"
	"storefront/internal/checkoutpage"
	"storefront/internal/customer"
	"storefront/internal/dashboard"
	"storefront/internal/demo"
	"storefront/internal/mail"
	"storefront/internal/metrics"
	"storefront/internal/order"
	"storefront/internal/payment"
	stripepay "storefront/internal/payment/stripe"
	"storefront/internal/playground"
	"storefront/internal/ratelimit"
	"storefront/internal/reports"
	"storefront/internal/respcache"
	"storefront/internal/sales"
	"storefront/internal/settings"
	"storefront/internal/store"
	"storefront/internal/tracing"
	"storefront/internal/web"
	"storefront/internal/webhook"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "storefront:", err)
		os.Exit(1)
	}
}

// config is everything the server can be told, from flags or the environment.
type config struct {
	Addr        string
	DatabaseURL string
	PublicURL   string
	CORSOrigins []string
	Playground  bool
	// Introspection answers __schema and __type queries (tools and the Playground need it).
	Introspection bool
	Production    bool
	SeedDemo      bool
	LogLevel      slog.Level
	MaxBodyBytes  int64
	Timeout       time.Duration
	MaxComplexity int
	MaxDepth      int
	CartTTL       time.Duration
	// AnalyticsRetention is how long raw analytics events (searches included) are kept;
	// the daily rollups the reports read are kept.
	AnalyticsRetention time.Duration
	// AnalyticsQueue bounds the analytics events waiting to be written.
	AnalyticsQueue int
	SMTPAddr       string
	// SMTPUsername and SMTPPassword authenticate to the SMTP server when set; SMTPTLS is
	// opportunistic (default), mandatory, implicit or none.
	SMTPUsername, SMTPPassword, SMTPTLS string
	// TestPayments enables the built-in test payment provider (session IDs test_success,
	// test_declined, test_insufficient_funds, test_transient).
	TestPayments bool
	// PaymentProvider overrides the provider (tests); nil means Stripe when
	// Stripe.SecretKey is set, else the test provider when TestPayments is set, else none.
	PaymentProvider payment.Provider
	// Stripe configures the Stripe provider (STOREFRONT_STRIPE_*; environment only, so
	// the keys are not on the command line).
	Stripe stripeConfig
	// TrustedProxies are load balancers whose X-Forwarded-For is believed (client
	// addresses matter for sign-in throttling and logs).
	TrustedProxies web.Proxies
	MailFrom       string
	// ResetURL is the template of the password reset link in recovery mail, with {id}
	// and {token}; empty means this server's own page (PUBLIC_URL/account/reset/{id}/{token}).
	ResetURL string
	// Mailer overrides how email is sent (tests); nil means SMTP when SMTPAddr is set,
	// otherwise the log.
	Mailer customer.Mailer
	// Cache turns the response cache for anonymous catalog reads on; CacheMaxBytes and
	// CacheTTL bound it. HTTPMaxAge and HTTPStaleWhileRevalidate go into Cache-Control of
	// anonymous GET reads (for CDNs and browsers).
	Cache                    bool
	CacheMaxBytes            int64
	CacheTTL                 time.Duration
	HTTPMaxAge               time.Duration
	HTTPStaleWhileRevalidate time.Duration
	// Metrics serves Prometheus metrics at /metrics; MetricsAddr, when set, serves them on
	// their own listen address instead of the API's.
	Metrics     bool
	MetricsAddr string
	// RateLimit and TokenRateLimit throttle each client address and each storefront
	// access token (zero rates: no limit).
	RateLimit      ratelimit.Limit
	TokenRateLimit ratelimit.Limit
	// Tracing exports OpenTelemetry spans (set when OTEL_EXPORTER_OTLP_ENDPOINT is).
	Tracing bool
	// DBMaxConns bounds the database connection pool (0: 20 on PostgreSQL, 8 on SQLite).
	DBMaxConns int
	// Webhooks: the dispatcher runs in every instance unless WebhookDispatcher is off;
	// WebhookAllow lists networks the SSRF guard lets webhooks reach anyway.
	WebhookDispatcher    bool
	WebhookAllow         []netip.Prefix
	WebhookFailureWindow time.Duration
	WebhookRetention     time.Duration
	WebhookLease         time.Duration
	WebhookRetryBase     time.Duration
	WebhookRetryMax      time.Duration
	WebhookConcurrency   int
}

// stripeConfig is the Stripe account the shop is paid through.
type stripeConfig struct {
	SecretKey      string // sk_live_… or sk_test_…: Stripe is the payment provider when set
	PublishableKey string // pk_…: the hosted checkout's Payment Element
	WebhookSecret  string // whsec_…: verifies POST /webhooks/stripe
	APIBase        string // replaces https://api.stripe.com (stripe-mock)
}

// loadConfig reads flags, falling back to environment variables, falling back to defaults
// that need no setup: SQLite in ./storefront.db on 127.0.0.1:8080 with the demo catalog.
func loadConfig(name string, args []string, getenv func(string) string) (config, []string, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	var c config
	var origins, level, proxies string
	fs.StringVar(&c.Addr, "addr", env("STOREFRONT_ADDR", "127.0.0.1:8080"), "listen address (STOREFRONT_ADDR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", "sqlite:storefront.db"), "postgres://… for PostgreSQL, sqlite:PATH or a path for SQLite (DATABASE_URL)")
	fs.StringVar(&c.PublicURL, "public-url", env("STOREFRONT_PUBLIC_URL", ""), "absolute URL clients reach this server at; default http://ADDR (STOREFRONT_PUBLIC_URL)")
	fs.StringVar(&origins, "cors-origins", env("STOREFRONT_CORS_ORIGINS", "*"), "comma-separated origins allowed to call the API from a browser, * for any; in production mode none unless listed, and * is refused (STOREFRONT_CORS_ORIGINS)")
	fs.BoolVar(&c.Playground, "playground", env("STOREFRONT_PLAYGROUND", "true") == "true", "serve the GraphiQL playground at /; off in production mode unless set (STOREFRONT_PLAYGROUND)")
	fs.BoolVar(&c.Introspection, "introspection", env("STOREFRONT_INTROSPECTION", "true") == "true", "answer GraphQL introspection queries; off in production mode unless set (STOREFRONT_INTROSPECTION)")
	fs.BoolVar(&c.Production, "production", boolEnv(getenv("STOREFRONT_PRODUCTION")), "production mode: safe defaults (no test payments, Playground, introspection, CORS * or field suggestions; email needs SMTP) (STOREFRONT_PRODUCTION)")
	fs.BoolVar(&c.SeedDemo, "seed-demo", env("STOREFRONT_SEED_DEMO", "true") == "true", "load the demo catalog when the database is empty; off in production mode unless set (STOREFRONT_SEED_DEMO)")
	fs.StringVar(&level, "log-level", env("STOREFRONT_LOG_LEVEL", "info"), "debug, info, warn or error (STOREFRONT_LOG_LEVEL)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", envInt64(env("STOREFRONT_MAX_BODY_BYTES", ""), 1<<20), "largest request body accepted (STOREFRONT_MAX_BODY_BYTES)")
	fs.DurationVar(&c.Timeout, "timeout", envDuration(env("STOREFRONT_TIMEOUT", ""), 10*time.Second), "longest a request may run (STOREFRONT_TIMEOUT)")
	fs.IntVar(&c.MaxComplexity, "max-complexity", int(envInt64(env("STOREFRONT_MAX_COMPLEXITY", ""), graph.DefaultMaxComplexity)), "largest query cost accepted (STOREFRONT_MAX_COMPLEXITY)")
	fs.IntVar(&c.MaxDepth, "max-depth", int(envInt64(env("STOREFRONT_MAX_DEPTH", ""), graph.DefaultMaxDepth)), "deepest query nesting accepted (STOREFRONT_MAX_DEPTH)")
	fs.DurationVar(&c.CartTTL, "cart-ttl", envDuration(env("STOREFRONT_CART_TTL", ""), cart.DefaultTTL), "how long an untouched cart lives (STOREFRONT_CART_TTL)")
	fs.DurationVar(&c.AnalyticsRetention, "analytics-retention", envDuration(env("STOREFRONT_ANALYTICS_RETENTION", ""), analytics.DefaultRetention), "how long raw analytics events are kept (STOREFRONT_ANALYTICS_RETENTION)")
	fs.IntVar(&c.AnalyticsQueue, "analytics-queue", int(envInt64(env("STOREFRONT_ANALYTICS_QUEUE", ""), analytics.DefaultQueueSize)), "analytics events waiting to be written at most; more are dropped and counted (STOREFRONT_ANALYTICS_QUEUE)")
	fs.StringVar(&proxies, "trusted-proxies", env("STOREFRONT_TRUSTED_PROXIES", ""), "comma-separated CIDRs of load balancers whose X-Forwarded-For to believe (STOREFRONT_TRUSTED_PROXIES)")
	fs.BoolVar(&c.TestPayments, "test-payments", env("STOREFRONT_TEST_PAYMENTS", "true") == "true", "enable the built-in test payment provider; off in production mode unless set (STOREFRONT_TEST_PAYMENTS)")
	fs.StringVar(&c.SMTPAddr, "smtp-addr", env("STOREFRONT_SMTP_ADDR", ""), "SMTP server host:port for customer email; unset writes email to the log (STOREFRONT_SMTP_ADDR)")
	fs.StringVar(&c.SMTPUsername, "smtp-username", env("STOREFRONT_SMTP_USERNAME", ""), "SMTP user name; authenticates when set (STOREFRONT_SMTP_USERNAME)")
	c.SMTPPassword = getenv("STOREFRONT_SMTP_PASSWORD") // environment only: flags show in process lists
	fs.StringVar(&c.SMTPTLS, "smtp-tls", env("STOREFRONT_SMTP_TLS", mail.TLSOpportunistic), "SMTP transport security: opportunistic (STARTTLS when offered), mandatory (STARTTLS required), implicit (TLS from the start, port 465) or none (STOREFRONT_SMTP_TLS)")
	fs.StringVar(&c.MailFrom, "mail-from", env("STOREFRONT_MAIL_FROM", "shop@localhost"), "sender of customer email (STOREFRONT_MAIL_FROM)")
	fs.StringVar(&c.ResetURL, "reset-url", env("STOREFRONT_RESET_URL", ""), "password reset link in recovery mail, with {id} and {token}, for a storefront with its own reset page; default this server's page (STOREFRONT_RESET_URL)")
	fs.BoolVar(&c.Cache, "cache", env("STOREFRONT_CACHE", "true") == "true", "cache anonymous catalog reads in memory, emptied on every catalog write (on every instance over PostgreSQL) (STOREFRONT_CACHE)")
	fs.Int64Var(&c.CacheMaxBytes, "cache-max-bytes", envInt64(env("STOREFRONT_CACHE_MAX_BYTES", ""), respcache.DefaultMaxBytes), "memory the response cache may use (STOREFRONT_CACHE_MAX_BYTES)")
	fs.DurationVar(&c.CacheTTL, "cache-ttl", envDuration(env("STOREFRONT_CACHE_TTL", ""), respcache.DefaultTTL), "longest a cached response is served (STOREFRONT_CACHE_TTL)")
	fs.DurationVar(&c.HTTPMaxAge, "http-max-age", envDuration(env("STOREFRONT_HTTP_MAX_AGE", ""), respcache.DefaultMaxAge), "max-age of anonymous GET catalog reads for CDNs and browsers (STOREFRONT_HTTP_MAX_AGE)")
	fs.DurationVar(&c.HTTPStaleWhileRevalidate, "http-stale-while-revalidate", envDuration(env("STOREFRONT_HTTP_STALE_WHILE_REVALIDATE", ""), respcache.DefaultStaleWhileRevalidate), "stale-while-revalidate of anonymous GET catalog reads (STOREFRONT_HTTP_STALE_WHILE_REVALIDATE)")
	fs.BoolVar(&c.Metrics, "metrics", env("STOREFRONT_METRICS", "true") == "true", "serve Prometheus metrics at /metrics (STOREFRONT_METRICS)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("STOREFRONT_METRICS_ADDR", ""), "serve /metrics on this listen address only, apart from the API (STOREFRONT_METRICS_ADDR)")
	fs.IntVar(&c.DBMaxConns, "db-max-conns", int(envInt64(env("STOREFRONT_DB_MAX_CONNS", ""), 0)), "database connections this instance may open, 0 for the default (20 on PostgreSQL, 8 on SQLite) (STOREFRONT_DB_MAX_CONNS)")
	fs.Float64Var(&c.RateLimit.Rate, "rate-limit", envFloat(env("STOREFRONT_RATE_LIMIT", ""), 0), "API requests per second each client address may make on average, 0 for no limit (STOREFRONT_RATE_LIMIT)")
	fs.IntVar(&c.RateLimit.Burst, "rate-burst", int(envInt64(env("STOREFRONT_RATE_BURST", ""), 100)), "API requests a client address may make at once above -rate-limit (STOREFRONT_RATE_BURST)")
	fs.Float64Var(&c.TokenRateLimit.Rate, "token-rate-limit", envFloat(env("STOREFRONT_TOKEN_RATE_LIMIT", ""), 0), "API requests per second each storefront access token may make on average, 0 for no limit (STOREFRONT_TOKEN_RATE_LIMIT)")
	fs.IntVar(&c.TokenRateLimit.Burst, "token-rate-burst", int(envInt64(env("STOREFRONT_TOKEN_RATE_BURST", ""), 1000)), "API requests an access token may make at once above -token-rate-limit (STOREFRONT_TOKEN_RATE_BURST)")
	var webhookAllow string
	fs.BoolVar(&c.WebhookDispatcher, "webhook-dispatcher", env("STOREFRONT_WEBHOOK_DISPATCHER", "true") == "true", "deliver webhooks from this instance; every instance can (STOREFRONT_WEBHOOK_DISPATCHER)")
	fs.StringVar(&webhookAllow, "webhook-allow-networks", env("STOREFRONT_WEBHOOK_ALLOW_NETWORKS", ""), "comma-separated CIDRs webhooks may reach although they are loopback, private or link-local (STOREFRONT_WEBHOOK_ALLOW_NETWORKS)")
	fs.DurationVar(&c.WebhookFailureWindow, "webhook-failure-window", envDuration(env("STOREFRONT_WEBHOOK_FAILURE_WINDOW", ""), 24*time.Hour), "how long a webhook subscription may fail continuously before it is marked failing and its deliveries stop (STOREFRONT_WEBHOOK_FAILURE_WINDOW)")
	fs.DurationVar(&c.WebhookRetention, "webhook-retention", envDuration(env("STOREFRONT_WEBHOOK_RETENTION", ""), 7*24*time.Hour), "how long delivered webhook events and deliveries are kept (STOREFRONT_WEBHOOK_RETENTION)")
	fs.DurationVar(&c.WebhookLease, "webhook-lease", envDuration(env("STOREFRONT_WEBHOOK_LEASE", ""), 30*time.Second), "how long a claimed delivery belongs to its instance before another may take it; at least 15s (STOREFRONT_WEBHOOK_LEASE)")
	fs.DurationVar(&c.WebhookRetryBase, "webhook-retry-base", envDuration(env("STOREFRONT_WEBHOOK_RETRY_BASE", ""), 15*time.Second), "delay before a failed delivery's first retry, doubled per attempt (STOREFRONT_WEBHOOK_RETRY_BASE)")
	fs.DurationVar(&c.WebhookRetryMax, "webhook-retry-max", envDuration(env("STOREFRONT_WEBHOOK_RETRY_MAX", ""), 4*time.Hour), "longest delay between retries (STOREFRONT_WEBHOOK_RETRY_MAX)")
	fs.IntVar(&c.WebhookConcurrency, "webhook-concurrency", int(envInt64(env("STOREFRONT_WEBHOOK_CONCURRENCY", ""), 4)), "concurrent requests to one webhook subscription from this instance (STOREFRONT_WEBHOOK_CONCURRENCY)")
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	var err error
	if c.WebhookAllow, err = webhook.ParseAllow(webhookAllow); err != nil {
		return c, nil, err
	}
	// What was said explicitly, by flag or environment: production mode changes only the
	// defaults, never what the operator asked for.
	explicit := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { explicit[f.Name] = true })
	for name, key := range map[string]string{"cors-origins": "STOREFRONT_CORS_ORIGINS", "playground": "STOREFRONT_PLAYGROUND",
		"introspection": "STOREFRONT_INTROSPECTION", "test-payments": "STOREFRONT_TEST_PAYMENTS", "seed-demo": "STOREFRONT_SEED_DEMO"} {
		if getenv(key) != "" {
			explicit[name] = true
		}
	}
	if c.Production {
		if !explicit["playground"] {
			c.Playground = false
		}
		if !explicit["introspection"] {
			c.Introspection = false
		}
		if !explicit["test-payments"] {
			c.TestPayments = false
		}
		if !explicit["seed-demo"] {
			c.SeedDemo = false
		}
		if !explicit["cors-origins"] {
			origins = ""
		}
	}
	c.Stripe = stripeConfig{SecretKey: getenv("STOREFRONT_STRIPE_SECRET_KEY"), PublishableKey: getenv("STOREFRONT_STRIPE_PUBLISHABLE_KEY"),
		WebhookSecret: getenv("STOREFRONT_STRIPE_WEBHOOK_SECRET"), APIBase: getenv("STOREFRONT_STRIPE_API_BASE")}
	if c.Stripe.SecretKey != "" {
		switch {
		case !strings.HasPrefix(c.Stripe.SecretKey, "sk_") && !strings.HasPrefix(c.Stripe.SecretKey, "rk_"):
			return c, nil, errors.New("STOREFRONT_STRIPE_SECRET_KEY must be a Stripe secret key (sk_live_… or sk_test_…)")
		case c.Stripe.PublishableKey != "" && !strings.HasPrefix(c.Stripe.PublishableKey, "pk_"):
			return c, nil, errors.New("STOREFRONT_STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_live_… or pk_test_…)")
		case c.Production && c.Stripe.WebhookSecret == "":
			return c, nil, errors.New("production mode with Stripe needs STOREFRONT_STRIPE_WEBHOOK_SECRET: its webhooks reconcile payments the API calls could not confirm")
		case c.Production && c.Stripe.PublishableKey == "":
			return c, nil, errors.New("production mode with Stripe needs STOREFRONT_STRIPE_PUBLISHABLE_KEY for the hosted checkout's card form")
		}
	}
	if c.ResetURL != "" {
		if err := customer.CheckResetURL(c.ResetURL); err != nil {
			return c, nil, err
		}
	}
	if c.TrustedProxies, err = web.ParseProxies(proxies); err != nil {
		return c, nil, fmt.Errorf("trusted proxies: %w", err)
	}
	if err := c.LogLevel.UnmarshalText([]byte(level)); err != nil {
		return c, nil, fmt.Errorf("log level: %w", err)
	}
	for _, o := range strings.Split(origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			if o == "*" && c.Production {
				return c, nil, errors.New("cors origins: * is refused in production mode; list the storefront origins (STOREFRONT_CORS_ORIGINS=https://shop.example)")
			}
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	c.Tracing = tracing.Enabled(getenv)
	if c.PublicURL == "" {
		c.PublicURL = "http://" + c.Addr
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	return c, fs.Args(), nil
}

// boolEnv reads a boolean environment value ("true", "1", …); anything else is false.
func boolEnv(s string) bool {
	b, _ := strconv.ParseBool(s)
	return b
}

func envInt64(s string, def int64) int64 {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n
	}
	return def
}

func envFloat(s string, def float64) float64 {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f
	}
	return def
}

func envDuration(s string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(s); err == nil {
		return d
	}
	return def
}

// run is main without the process: testable, and the one place that wires things.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, getenv, stdout)
	case "seed":
		return seedCmd(ctx, args, getenv, stdout)
	case "searches":
		return searchesCmd(ctx, args, getenv, stdout)
	case "apikey":
		return apikeyCmd(ctx, args, getenv, stdout)
	case "import":
		return importCmd(ctx, args, getenv, stdout)
	default:
		return fmt.Errorf("unknown command %q (want serve, seed, searches, apikey or import)", cmd)
	}
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}

// defaultGCPercent is the garbage collector's pace when GOGC is not set.
const defaultGCPercent = 400

func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, _, err := loadConfig("serve", args, getenv)
	if err != nil {
		return err
	}
	log := newLogger(stdout, cfg.LogLevel)
	if getenv("GOGC") == "" {
		// Go collects garbage each time the heap doubles (GOGC=100). The server's live heap
		// is small and every request allocates afresh, so that means many collections a
		// second; at 400 a catalog listing takes 7–17 % less CPU (measured) for about four
		// times the live heap. GOGC in the environment (or GOMEMLIMIT) decides otherwise.
		debug.SetGCPercent(defaultGCPercent)
	}
	if cfg.Tracing {
		shutdown, err := tracing.Start(ctx, "dev")
		if err != nil {
			return err
		}
		defer func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = shutdown(ctx)
		}()
		log.Info("exporting OpenTelemetry traces over OTLP/HTTP")
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL, MaxOpenConns: cfg.DBMaxConns})
	if err != nil {
		return err
	}
	defer db.Close()
	if cfg.SeedDemo {
		loaded, err := demo.DemoIfEmpty(ctx, db, cfg.PublicURL)
		if err != nil {
			return fmt.Errorf("load demo catalog: %w", err)
		}
		if loaded {
			log.Info("loaded the demo catalog into the empty database")
		}
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	handler, err := newHandler(cfg, db, log)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      cfg.Timeout + 5*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	if handler.metrics != nil {
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("metrics listener: %w", err)
		}
		msrv := &http.Server{Handler: handler.metrics, ReadHeaderTimeout: 5 * time.Second}
		go func() { _ = msrv.Serve(mln) }()
		defer msrv.Close()
		log.Info("metrics listening", "addr", mln.Addr().String())
	}
	log.Info("storefront listening", "addr", ln.Addr().String(), "database", db.Dialect,
		"playground", cfg.PublicURL+"/", "storefront_api", cfg.PublicURL+"/graphql", "admin_api", cfg.PublicURL+"/admin/graphql")
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	handler.Close()
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// app is the wired server: its HTTP handler and the background work to stop with it.
type app struct {
	http.Handler
	events *analytics.Recorder
	// orders sends customer email in the background; stopReconcile ends its payment
	// reconciler.
	orders        *order.Service
	stopReconcile context.CancelFunc
	// cache is the response cache; broadcaster carries its invalidations between
	// instances (PostgreSQL only).
	cache       *respcache.Cache
	broadcaster *respcache.Broadcaster
	// metrics is served on its own address (-metrics-addr), nil when on the API's.
	metrics http.Handler
	// webhooks delivers the outbox; stopDispatcher ends its dispatcher (nil when off).
	webhooks       *webhook.Service
	stopDispatcher func()
}

// Close stops the background work, writing what it has queued.
func (a *app) Close() {
	a.stopReconcile()
	a.orders.Wait()
	if a.stopDispatcher != nil {
		a.stopDispatcher()
	}
	a.events.Close()
	if a.broadcaster != nil {
		a.broadcaster.Close()
	}
}

// newHandler wires every endpoint and middleware over an open database.
func newHandler(cfg config, db *store.DB, log *slog.Logger) (*app, error) {
	if cfg.Mailer == nil {
		switch {
		case cfg.SMTPAddr != "":
			m, err := mail.NewSMTP(mail.SMTPConfig{Addr: cfg.SMTPAddr, From: cfg.MailFrom, Username: cfg.SMTPUsername,
				Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS, Retries: 2})
			if err != nil {
				return nil, err
			}
			cfg.Mailer = m
		case cfg.Production:
			cfg.Mailer = customer.DisabledMailer{Log: log}
		default:
			cfg.Mailer = &customer.LogMailer{Log: log}
		}
	}
	announceMode(cfg, log)
	if created, err := settings.EnsureShop(context.Background(), db); err != nil {
		return nil, err
	} else if created {
		log.Warn("the database had no shop settings: created defaults (name Storefront, USD, ships to US); change them with the Admin API's shopUpdate")
	}
	customers, err := customer.New(db, customer.Config{PublicURL: cfg.PublicURL, ResetURL: cfg.ResetURL, Mailer: cfg.Mailer, Log: log})
	if err != nil {
		return nil, err
	}
	carts := cart.New(db, cart.Config{TTL: cfg.CartTTL, PublicURL: cfg.PublicURL, Customers: customers})
	orders := order.New(db, cfg.PublicURL)
	cache, broadcaster, err := newCache(cfg, db, log)
	if err != nil {
		return nil, err
	}
	var met *metrics.Metrics
	if cfg.Metrics {
		cached := cache
		if !cfg.Cache {
			cached = nil
		}
		met = metrics.New(db.SQL, cached)
	}
	provider := cfg.PaymentProvider
	var stripeProvider *stripepay.Provider
	switch {
	case provider != nil:
		stripeProvider, _ = provider.(*stripepay.Provider)
	case cfg.Stripe.SecretKey != "":
		stripeProvider = stripepay.New(stripepay.Config{SecretKey: cfg.Stripe.SecretKey, APIBase: cfg.Stripe.APIBase})
		provider = stripeProvider
	case cfg.TestPayments:
		provider = payment.TestProvider{}
	}
	if provider != nil && met != nil {
		provider = metrics.Provider{Provider: provider, M: met}
	}
	hookCfg := webhook.Config{
		Guard:         webhook.Guard{Allow: cfg.WebhookAllow, HTTPSOnly: cfg.Production},
		ShopDomain:    hostOf(cfg.PublicURL),
		FailureWindow: cfg.WebhookFailureWindow,
		Retention:     cfg.WebhookRetention,
		Lease:         cfg.WebhookLease,
		RetryBase:     cfg.WebhookRetryBase,
		RetryMax:      cfg.WebhookRetryMax,
		PerEndpoint:   cfg.WebhookConcurrency,
		Log:           log,
	}
	if met != nil {
		hookCfg.Observer = met
	}
	hooks := webhook.New(db, hookCfg)
	if met != nil {
		met.WatchWebhooks(func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			lag, _ := hooks.Lag(ctx)
			return lag.Seconds()
		}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			n, _ := hooks.Failing(ctx)
			return float64(n)
		})
	}
	orders.Provider, orders.Mail, orders.Log = provider, cfg.Mailer, log
	reconcileCtx, stopReconcile := context.WithCancel(context.Background())
	go orders.RunReconciler(reconcileCtx, time.Minute)
	checkouts := checkout.New(db, carts, orders, provider, cfg.PublicURL)
	checkouts.Log = log
	events := analytics.NewRecorder(db, analytics.Config{Retention: cfg.AnalyticsRetention, QueueSize: cfg.AnalyticsQueue, Log: log})
	if met != nil {
		met.Analytics(func() metrics.AnalyticsStats {
			st := events.Stats()
			return metrics.AnalyticsStats{Accepted: st.Accepted, Written: st.Written, Dropped: st.Dropped, Failed: st.Failed, Bots: st.Bots}
		})
	}
	carts.Events, customers.Events, checkouts.Events = events, events, events
	cat := catalog.New(db)
	cat.SetEvents(events)
	api := graph.NewHandler(graph.Options{
		Introspection: cfg.Introspection,
		Catalog:       cat,
		Carts:         carts,
		Customers:     customers,
		Orders:        orders,
		Checkout:      checkouts,
		PublicURL:     cfg.PublicURL,
		Log:           log,
		Production:    cfg.Production,
		MaxComplexity: cfg.MaxComplexity,
		MaxDepth:      cfg.MaxDepth,
		Tracing:       cfg.Tracing,
	})
	if met != nil {
		// Inside the cache: the request metrics are of executed operations; the cache
		// counts its hits itself.
		api = met.Observe(api)
	}
	api = web.LimitBody(cfg.MaxBodyBytes, cache.Handler(api)) // under the request timeout every route gets (newHandler's last line)
	// Inside CORS, so a browser can read the 429; before the cache, so hits count too.
	var onLimit func()
	if met != nil {
		onLimit = met.RateLimited
	}
	limiter := ratelimit.New(ratelimit.Config{PerAddress: cfg.RateLimit, PerToken: cfg.TokenRateLimit, OnLimit: onLimit,
		Token: func(r *http.Request) string {
			if t := r.Header.Get("Shopify-Storefront-Private-Token"); t != "" {
				return t
			}
			return r.Header.Get("X-Shopify-Storefront-Access-Token")
		}})
	api = limiter.Handler(events.Middleware(api))
	corsOpts := cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost, http.MethodOptions},
		AllowedHeaders: []string{"Content-Type", "Accept", "X-Shopify-Storefront-Access-Token",
			"X-SDK-Variant", "X-SDK-Version", "X-SDK-Variant-Source", "Shopify-Storefront-Buyer-IP", "Shopify-Storefront-Private-Token",
			graph.CustomerTokenHeader, analytics.VisitorHeader, analytics.SessionHeader},
		ExposedHeaders:   []string{"X-Request-Id"},
		AllowCredentials: false,
		MaxAge:           600,
	}
	if len(cfg.CORSOrigins) == 0 {
		// rs/cors reads an empty list as "*": no origins must mean no origin.
		corsOpts.AllowOriginFunc = func(string) bool { return false }
	}
	api = cors.New(corsOpts).Handler(api)
	// POST /events: storefronts' analytics events, under the Storefront API's CORS and
	// rate limits (the handler bounds its own body).
	eventsIn := cors.New(corsOpts).Handler(limiter.Handler(events.Handler()))

	mux := http.NewServeMux()
	mux.Handle("/graphql", api)
	// The path Shopify clients use: /api/2026-04/graphql.json (any version is served the same).
	mux.Handle("/api/{version}/graphql.json", api)
	mux.Handle("/events", eventsIn)
	// Sales analytics: rollups built from the orders now if they are missing or stale
	// (backfill on open), reports in the Admin API, as CSV and on the dashboard.
	salesReports := sales.New(db)
	if _, err := salesReports.Prepare(context.Background()); err != nil {
		stopReconcile()
		return nil, fmt.Errorf("build sales rollups: %w", err)
	}
	registry := &reports.Registry{}
	salesReports.Register(registry)
	analytics.RegisterReports(registry, db)
	mux.Handle("/admin/graphql", newAdminHandler(cfg, db, cat, customers, hooks, orders, salesReports, log))
	(&dashboard.Handler{DB: db, Keys: apikey.New(db), Sales: salesReports, Reports: registry, Log: log, Production: cfg.Production,
		CSV: admin.ReportsHandler(apikey.New(db), registry, log)}).Register(mux)
	mux.Handle("GET /admin/export/{file}", newExportHandler(db, log))
	mux.Handle("GET /images/demo/", demo.ImageHandler())
	if met != nil && cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", met.Handler())
	}
	if stripeProvider != nil && cfg.Stripe.WebhookSecret != "" {
		mux.Handle("POST /webhooks/stripe", web.LimitBody(cfg.MaxBodyBytes, &stripepay.Webhook{Secret: cfg.Stripe.WebhookSecret, Provider: stripeProvider, Log: log,
			Reconcile: func(ctx context.Context, u payment.Update) error {
				if err := checkouts.Reconcile(ctx, u); errors.Is(err, checkout.ErrNotYet) {
					return stripepay.ErrNotYet
				} else {
					return err
				}
			}}))
	}
	pages := &checkoutpage.Handler{DB: db, Carts: carts, Checkout: checkouts, Log: log}
	if stripeProvider != nil {
		pages.StripePublishableKey = cfg.Stripe.PublishableKey
	}
	if cfg.TestPayments && stripeProvider == nil {
		pages.TestSessions = []string{"test_success", "test_declined", "test_insufficient_funds", "test_transient"}
	}
	pages.Register(mux)
	(&accountpage.Handler{DB: db, Customers: customers, Log: log}).Register(mux)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := db.Ready(ctx); err != nil {
			log.WarnContext(ctx, "readiness check failed", "error", err.Error())
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "database unavailable\n")
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	if cfg.Playground {
		page, files := playground.Switcher([]playground.API{
			{Name: "Storefront API", Key: "storefront", Endpoint: "/graphql"},
			{Name: "Admin API", Key: "admin", Endpoint: "/admin/graphql",
				Headers: map[string]string{"Authorization": "Bearer <your key: storefront apikey create -name NAME -scopes catalog:read>"}},
		}, "/playground/assets/")
		mux.Handle("GET /{$}", page)
		mux.Handle("GET /playground/assets/", files)
	}
	var top http.Handler = web.WithClientIP(cfg.TrustedProxies, web.Timeout(cfg.Timeout, web.Observe(log, mux)))
	if cfg.Tracing {
		top = tracing.Handler(func(r *http.Request) string {
			_, pattern := mux.Handler(r)
			return pattern
		}, top)
	}
	a := &app{Handler: top, events: events,
		cache: cache, broadcaster: broadcaster, webhooks: hooks,
		orders: orders, stopReconcile: stopReconcile}
	if cfg.WebhookDispatcher {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			hooks.Run(ctx)
		}()
		a.stopDispatcher = func() { cancel(); <-done }
	}
	if met != nil && cfg.MetricsAddr != "" {
		a.metrics = met.Handler()
	}
	return a, nil
}

// hostOf is the host of a URL (X-Shopify-Shop-Domain of webhooks).
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "localhost"
	}
	return u.Host
}

// newCache builds the response cache and subscribes it to the database's catalog changes:
// this instance's own at once, and, over PostgreSQL, every other instance's through
// LISTEN/NOTIFY.
func newCache(cfg config, db *store.DB, log *slog.Logger) (*respcache.Cache, *respcache.Broadcaster, error) {
	cache := respcache.New(respcache.Config{
		Disabled:             !cfg.Cache,
		MaxBytes:             cfg.CacheMaxBytes,
		TTL:                  cfg.CacheTTL,
		MaxAge:               cfg.HTTPMaxAge,
		StaleWhileRevalidate: cfg.HTTPStaleWhileRevalidate,
		Private: func(r *http.Request) bool {
			return r.Header.Get(graph.CustomerTokenHeader) != ""
		},
	})
	if !cfg.Cache {
		return cache, nil, nil
	}
	var broadcaster *respcache.Broadcaster
	if db.Dialect == dialect.Postgres {
		var err error
		if broadcaster, err = respcache.ListenPostgres(db.URL, db.SQL, cache, log); err != nil {
			return nil, nil, err
		}
	}
	db.Changes.Subscribe(func() {
		cache.Invalidate()
		if broadcaster != nil {
			broadcaster.Announce()
		}
	})
	return cache, broadcaster, nil
}

// announceMode says once, at start, what the server's mode leaves on that production would
// not: every development convenience in development mode, and every unsafe setting an
// operator turned on explicitly in production mode.
func announceMode(cfg config, log *slog.Logger) {
	mode := "development"
	if cfg.Production {
		mode = "production"
	}
	say := func(msg string) {
		if cfg.Production {
			log.Warn(msg, "mode", mode)
		} else {
			log.Info(msg, "mode", mode)
		}
	}
	if cfg.Stripe.SecretKey != "" {
		log.Info("payments go through Stripe", "mode", mode, "test_key", strings.HasPrefix(cfg.Stripe.SecretKey, "sk_test_") || strings.HasPrefix(cfg.Stripe.SecretKey, "rk_test_"),
			"webhooks", cfg.Stripe.WebhookSecret != "", "payment_element", cfg.Stripe.PublishableKey != "")
		if cfg.Stripe.WebhookSecret == "" {
			log.Warn("STOREFRONT_STRIPE_WEBHOOK_SECRET is not set: POST /webhooks/stripe is off, so payments the API calls could not confirm are not reconciled", "mode", mode)
		}
	} else if cfg.TestPayments {
		say("test payments are on: session IDs test_success and the like pay without moving money, and such orders are marked as test orders (-test-payments=false turns them off)")
	}
	if cfg.Playground {
		say("the GraphiQL Playground is served at / (-playground=false turns it off)")
	}
	if cfg.Introspection {
		say("GraphQL introspection is on (-introspection=false turns it off)")
	}
	if slices.Contains(cfg.CORSOrigins, "*") {
		say("CORS allows every origin (-cors-origins lists the storefront origins instead)")
	}
	switch {
	case cfg.SMTPAddr != "":
	case cfg.Production:
		log.Warn("customer email is OFF: STOREFRONT_SMTP_ADDR is not set, so password-reset and other customer mail is not sent", "mode", mode)
	default:
		say("customer email is written to the log, links and tokens included (set STOREFRONT_SMTP_ADDR to send it)")
	}
}

// seedCmd loads the demo catalog (into an empty database) or a synthetic one.
func seedCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	synthetic := fs.Int("synthetic", 0, "add this many synthetic products (for benchmarks) instead of the demo catalog")
	syntheticEvents := fs.Int("synthetic-events", 0, "add this many synthetic analytics events over the last 90 days (for benchmarks)")
	syntheticOrders := fs.Int("synthetic-orders", 0, "place this many synthetic orders (lines, customers, totals) over the last 90 days, each with the analytics session that ends in it (for benchmarks; needs a catalog)")
	dbURL := fs.String("database-url", "", "database to seed (default: DATABASE_URL or sqlite:storefront.db)")
	publicURL := fs.String("public-url", "", "server URL used in demo image links (default: STOREFRONT_PUBLIC_URL or http://127.0.0.1:8080)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg, _, err := loadConfig("seed", nil, getenv)
	if err != nil {
		return err
	}
	if *dbURL != "" {
		cfg.DatabaseURL = *dbURL
	}
	if *publicURL != "" {
		cfg.PublicURL = strings.TrimRight(*publicURL, "/")
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer db.Close()
	if *synthetic > 0 {
		start := time.Now()
		if err := demo.Synthetic(ctx, db, cfg.PublicURL, *synthetic); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d synthetic products in %s\n", *synthetic, time.Since(start).Round(time.Millisecond))
	}
	if *syntheticEvents > 0 || *syntheticOrders > 0 {
		now := time.Now()
		var placed []analytics.Placed
		if *syntheticOrders > 0 {
			start := time.Now()
			if placed, err = demo.SyntheticOrders(ctx, db, *syntheticOrders, 90, now); err != nil {
				return err
			}
			ordersTook := time.Since(start)
			// The sales rollups count the new orders now rather than at the first report.
			if _, err := sales.New(db).Prepare(ctx); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "placed %d synthetic orders in %s (%.0f orders/s), sales rollups rebuilt in %s\n", len(placed),
				ordersTook.Round(time.Millisecond), float64(len(placed))/ordersTook.Seconds(), (time.Since(start) - ordersTook).Round(time.Millisecond))
		}
		ids, err := db.Product.Query().Limit(1000).IDs(ctx)
		if err != nil {
			return err
		}
		n, took, err := analytics.Synthetic(ctx, db, *syntheticEvents, placed, 90, ids, now)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %d synthetic analytics events (the sessions of %d orders among them) in %s (%.0f events/s written)\n",
			n, len(placed), took.Round(time.Millisecond), float64(n)/took.Seconds())
	}
	if *synthetic > 0 || *syntheticEvents > 0 || *syntheticOrders > 0 {
		return nil
	}
	loaded, err := demo.DemoIfEmpty(ctx, db, cfg.PublicURL)
	if err != nil {
		return err
	}
	if !loaded {
		fmt.Fprintln(stdout, "the database already has a catalog; demo catalog not loaded")
		return nil
	}
	fmt.Fprintln(stdout, "demo catalog loaded")
	return nil
}

// searchesCmd prints the search report: the most searched terms and the searches that found
// nothing, over the last days.
func searchesCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("searches", flag.ContinueOnError)
	days := fs.Int("days", 30, "how many days back the report covers")
	limit := fs.Int("limit", 20, "how many terms each list shows")
	dbURL := fs.String("database-url", "", "database to read (default: DATABASE_URL or sqlite:storefront.db)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *days <= 0 || *limit <= 0 {
		return errors.New("-days and -limit must be positive")
	}
	cfg, _, err := loadConfig("searches", nil, getenv)
	if err != nil {
		return err
	}
	if *dbURL != "" {
		cfg.DatabaseURL = *dbURL
	}
	db, err := store.Open(ctx, store.Config{URL: cfg.DatabaseURL})
	if err != nil {
		return err
	}
	defer db.Close()
	today, err := analytics.Today(ctx, db, time.Now())
	if err != nil {
		return err
	}
	rep, err := analytics.Searches(ctx, db, reports.Range{From: today.AddDate(0, 0, 1-*days), To: today, Granularity: reports.Day}, *limit)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "Top searches, last %d days\nsearches\taverage results\tterm\n", *days)
	for _, r := range rep.Top {
		fmt.Fprintf(w, "%d\t%.1f\t%s\n", r.Searches, r.AverageResults(), r.Term)
	}
	fmt.Fprintf(w, "\nSearches without results, last %d days\nsearches\tterm\n", *days)
	for _, r := range rep.WithoutResults {
		fmt.Fprintf(w, "%d\t%s\n", r.NoResults, r.Term)
	}
	return w.Flush()
}
