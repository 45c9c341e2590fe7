package registry

import (
	"net/http"
	"testing"
	"time"
)

func TestParseRateLimitForms(t *testing.T) {
	now := time.Unix(1700000000, 0)
	for _, c := range []struct {
		h                map[string]string
		limit, remaining int
		window           time.Duration
		source           string
		ok               bool
	}{
		{map[string]string{"RateLimit-Limit": "100;w=21600", "RateLimit-Remaining": "76;w=21600", "Docker-RateLimit-Source": "203.0.113.7"}, 100, 76, 6 * time.Hour, "203.0.113.7", true},
		{map[string]string{"ratelimit-limit": ";w=21600", "ratelimit-remaining": "0;w=21600"}, -1, 0, 6 * time.Hour, "", true},
		{map[string]string{"RateLimit-Limit": " 200 ; w = 3600 "}, 200, -1, time.Hour, "", true},
		{map[string]string{"RateLimit-Limit": "lots;w=x"}, -1, -1, 0, "", true},
		{map[string]string{"Docker-RateLimit-Source": "user-id"}, -1, -1, 0, "user-id", true},
		{map[string]string{"Content-Type": "x"}, -1, -1, 0, "", false},
	} {
		h := http.Header{}
		for k, v := range c.h {
			h.Set(k, v)
		}
		rl, ok := ParseRateLimit(h, now)
		if ok != c.ok || rl.Limit != c.limit || rl.Remaining != c.remaining || rl.Window != c.window || rl.Source != c.source {
			t.Errorf("%v: %+v %v", c.h, rl, ok)
		}
	}
	rl := RateLimit{Limit: 100, Remaining: 76, Window: 6 * time.Hour, Source: "203.0.113.7"}
	if rl.String() != "76 of 100 pulls left in a 6h window (for 203.0.113.7)" || rl.Short() != "pulls 76/100" {
		t.Errorf("%q %q", rl.String(), rl.Short())
	}
}
