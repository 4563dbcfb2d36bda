package index

import "math/bits"

// Bitset is a set of campaign ranks: bit i stands for the campaign of rank
// i, and ranks follow price, highest first, so walking the set in order
// visits the best-paying campaigns first.
type Bitset []uint64

func newBitset(n int) Bitset { return make(Bitset, (n+63)/64) }

func (b Bitset) set(i int) { b[i/64] |= 1 << (i % 64) }

// Has reports whether rank i is in the set.
func (b Bitset) Has(i int) bool { return b[i/64]&(1<<(i%64)) != 0 }

// CopyFrom makes b a copy of src, which has b's length.
func (b Bitset) CopyFrom(src Bitset) { copy(b, src) }

// Clear empties b.
func (b Bitset) Clear() { clear(b) }

// Or adds the members of o to b.
func (b Bitset) Or(o Bitset) {
	for i := range b {
		b[i] |= o[i]
	}
}

// Intersect makes b the members common to all of sets (at least one), each
// of b's length. It reads four sets per pass over b: with 100,000
// campaigns a set is 12 KB, and a pass per set would stream b through the
// cache once for every set.
func (b Bitset) Intersect(sets ...Bitset) {
	for first := true; len(sets) > 0; first = false {
		var q [4]Bitset
		k := copy(q[:], sets)
		sets = sets[k:]
		for j := k; j < len(q); j++ {
			q[j] = q[0] // x & x is x
		}
		s0, s1, s2, s3 := q[0][:len(b)], q[1][:len(b)], q[2][:len(b)], q[3][:len(b)]
		if first {
			for i := range b {
				b[i] = s0[i] & s1[i] & s2[i] & s3[i]
			}
			continue
		}
		for i := range b {
			b[i] &= s0[i] & s1[i] & s2[i] & s3[i]
		}
	}
}

// And keeps in b only the members of o.
func (b Bitset) And(o Bitset) {
	for i := range b {
		b[i] &= o[i]
	}
}

// Empty reports whether b has no member.
func (b Bitset) Empty() bool {
	for _, w := range b {
		if w != 0 {
			return false
		}
	}
	return true
}

// Next returns the smallest member of b at or above i, or -1.
func (b Bitset) Next(i int) int {
	w := i / 64
	if w >= len(b) {
		return -1
	}
	word := b[w] >> (i % 64)
	if word != 0 {
		return i + bits.TrailingZeros64(word)
	}
	for w++; w < len(b); w++ {
		if b[w] != 0 {
			return w*64 + bits.TrailingZeros64(b[w])
		}
	}
	return -1
}

// keyed holds, per value of one targeting dimension, the set of campaigns
// that admit that value: those that target it and those that do not
// target the dimension at all (any). A lookup is one map read.
type keyed struct {
	by  map[string]Bitset
	any Bitset
}

func newKeyed(n int) keyed { return keyed{by: make(map[string]Bitset), any: newBitset(n)} }

// add records that campaign rank r targets values (none: any value).
func (k *keyed) add(r int, values []string, n int) {
	if len(values) == 0 {
		k.any.set(r)
		return
	}
	for _, v := range values {
		s, ok := k.by[v]
		if !ok {
			s = newBitset(n)
			k.by[v] = s
		}
		s.set(r)
	}
}

// finish folds the untargeted campaigns into every value's set.
func (k *keyed) finish() {
	for _, s := range k.by {
		s.Or(k.any)
	}
}

// get returns the campaigns that admit value, already case-folded as the
// keys were. A []byte key avoids allocating a string for the lookup.
func (k *keyed) get(value []byte) Bitset {
	if s, ok := k.by[string(value)]; ok {
		return s
	}
	return k.any
}
