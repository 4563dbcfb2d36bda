package index

import (
	"math/rand/v2"
	"testing"
)

// TestIntersectMatchesAnd checks the one-pass intersection against
// intersecting one set at a time, for every count of sets up to nine (one
// to three passes, with padding) and lengths around a word boundary.
func TestIntersectMatchesAnd(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, words := range []int{1, 2, 63, 64, 65, 1485} {
		for n := 1; n <= 9; n++ {
			sets := make([]Bitset, n)
			for i := range sets {
				sets[i] = make(Bitset, words)
				for w := range sets[i] {
					// Dense sets, so that the intersection of many keeps
					// members to compare.
					sets[i][w] = r.Uint64() | r.Uint64() | r.Uint64()
				}
			}
			want := make(Bitset, words)
			want.CopyFrom(sets[0])
			for _, s := range sets[1:] {
				want.And(s)
			}
			got := make(Bitset, words)
			for w := range got {
				got[w] = ^uint64(0) // stale content must not survive
			}
			got.Intersect(sets...)
			for w := range want {
				if got[w] != want[w] {
					t.Fatalf("%d words, %d sets: word %d is %x, want %x",
						words, n, w, got[w], want[w])
				}
			}
		}
	}
}
