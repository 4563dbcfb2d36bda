package notice

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func testToken() Token {
	return Token{
		BidID:      "0123456789abcdef01234567",
		ImpID:      "imp-1",
		CampaignID: 42,
		CreativeID: 7,
		Price:      2_500_000,
		Currency:   "USD",
		UserKey:    0xdeadbeefcafe,
		Issued:     time.UnixMilli(1_790_000_000_123).UTC(),
	}
}

func TestTokenRoundTrip(t *testing.T) {
	s := NewSigner([]byte("secret"), time.Hour)
	tok := testToken()
	text := string(s.Append(nil, &tok))
	got, err := s.Verify(text, tok.Issued.Add(time.Minute))
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if got != tok {
		t.Errorf("got %+v, want %+v", got, tok)
	}
}

func TestTokenRejects(t *testing.T) {
	s := NewSigner([]byte("secret"), time.Hour)
	other := NewSigner([]byte("other"), time.Hour)
	tok := testToken()
	good := string(s.Append(nil, &tok))
	flipped := []byte(good)
	flipped[5] ^= 0x01
	if flipped[5] == '-' || flipped[5] == '_' || flipped[5] > 'z' {
		flipped[5] = 'A'
	}
	tests := []struct {
		name string
		text string
		now  time.Time
		want error
	}{
		{"other key", string(other.Append(nil, &tok)), tok.Issued, ErrSignature},
		{"altered", string(flipped), tok.Issued, ErrSignature},
		{"expired", good, tok.Issued.Add(2 * time.Hour), ErrExpired},
		{"from the future", good, tok.Issued.Add(-time.Hour), ErrExpired},
		{"empty", "", tok.Issued, ErrMalformed},
		{"not base64", "!!!!", tok.Issued, ErrMalformed},
		{"truncated", good[:len(good)-4], tok.Issued, ErrSignature},
		{"huge", strings.Repeat("A", 4096), tok.Issued, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Verify(tt.text, tt.now)
			if !errors.Is(err, tt.want) {
				t.Errorf("Verify = %v, want %v", err, tt.want)
			}
			// An expired token is genuine and comes back whole; a
			// refused one comes back empty.
			want := Token{}
			if tt.want == ErrExpired {
				want = tok
			}
			if got != want {
				t.Errorf("Verify returned %+v, want %+v", got, want)
			}
		})
	}
}

func TestTokenAppendAllocs(t *testing.T) {
	s := NewSigner([]byte("secret"), time.Hour)
	tok := testToken()
	buf := make([]byte, 0, 512)
	s.Append(buf, &tok)
	allocs := testing.AllocsPerRun(100, func() { buf = s.Append(buf[:0], &tok) })
	if allocs != 0 {
		t.Errorf("Append allocates %v times, want 0", allocs)
	}
}

func FuzzVerify(f *testing.F) {
	s := NewSigner([]byte("k"), time.Hour)
	tok := testToken()
	f.Add(string(s.Append(nil, &tok)))
	f.Add("")
	f.Add("AAAA")
	f.Fuzz(func(t *testing.T, text string) {
		got, err := s.Verify(text, tok.Issued)
		if err != nil {
			return
		}
		again := string(s.Append(nil, &got))
		if _, err := s.Verify(again, tok.Issued); err != nil {
			t.Fatalf("re-signed token fails: %v", err)
		}
	})
}

func BenchmarkTokenAppend(b *testing.B) {
	s := NewSigner([]byte("secret"), time.Hour)
	tok := testToken()
	buf := make([]byte, 0, 512)
	b.ReportAllocs()
	for b.Loop() {
		buf = s.Append(buf[:0], &tok)
	}
}
