package schedule

import (
	"fmt"
	"math/rand/v2"
)

// Generate makes a realistic B2B day from a seed: a few buyers with many meetings, many producers
// with few, some morning-only or afternoon-only requests, some unavailable slots, and tables
// about 10–20% above meetings ÷ slots. size scales it from the smallest real events (0) to the
// largest (1).
func Generate(seed uint64, size float64) Problem {
	r := rand.New(rand.NewPCG(seed, 7))
	lerp := func(a, b int) int { return a + int(float64(b-a)*size+0.5) }
	slots := lerp(8, 22)
	meetings := lerp(120, 300)
	// Enough buyers that none needs more than four fifths of the day.
	buyers := max(lerp(10, 16), (meetings*5+slots*4-1)/(slots*4))
	producers := lerp(40, 80) - buyers
	p := Problem{Slots: slots, MorningSlots: slots * 6 / 10, MaxBreakSpread: 2, TimeLimitMS: 10000, Seed: seed}
	for b := 0; b < buyers; b++ {
		p.Participants = append(p.Participants, Participant{ID: fmt.Sprintf("b%02d", b)})
	}
	for q := 0; q < producers; q++ {
		p.Participants = append(p.Participants, Participant{ID: fmt.Sprintf("p%02d", q)})
	}
	for i := range p.Participants {
		if r.IntN(10) == 0 {
			p.Participants[i].Unavailable = []int{1 + r.IntN(slots)}
		}
	}
	// Buyers are busy (up to three quarters of the day), producers have one to four meetings.
	buyerCap := max(2, slots*4/5)
	load := make([]int, buyers+producers)
	pairs := map[[2]int]bool{}
	n := 0
	for try := 0; n < meetings && try < meetings*50; try++ {
		b := r.IntN(buyers)
		if r.IntN(3) == 0 {
			b = r.IntN(max(1, buyers/3)) // a few big buyers take more
		}
		q := r.IntN(producers)
		if load[b] >= buyerCap || load[buyers+q] >= max(4, slots*3/5) || pairs[[2]int{b, q}] {
			continue
		}
		pairs[[2]int{b, q}] = true
		load[b]++
		load[buyers+q]++
		session := Any
		switch x := r.IntN(20); {
		case x < 2:
			session = Morning
		case x < 3:
			session = Afternoon
		}
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%03d", n), Participants: []string{fmt.Sprintf("b%02d", b), fmt.Sprintf("p%02d", q)}, Session: session})
		n++
	}
	p.Tables = max(1, int(float64(len(p.Meetings))/float64(slots)*(1.1+0.1*r.Float64())+0.999))
	return p
}

// GenerateLong makes a long two-session B2B day from a seed, of the shape on which forums from the
// scheduling literature are hardest: 21–22 slots (a morning of 12–13, an afternoon of 8–10),
// 70–78 participants and 154–302 meetings, most of them bound to a session because one side
// attends only the morning or only the afternoon, and 12–22 tables (tight on some days, not on
// others), with a break spread of at most 2.
func GenerateLong(seed uint64) Problem {
	r := rand.New(rand.NewPCG(seed, 11))
	morning := 12 + r.IntN(2)
	slots := morning + 8 + r.IntN(2)
	if slots < 21 {
		slots = 21
	}
	n := 70 + r.IntN(9)
	meetings := 154 + r.IntN(149)
	p := Problem{Slots: slots, MorningSlots: morning, MaxBreakSpread: 2, TimeLimitMS: 10000, Seed: seed}
	// Each participant attends the morning only, the afternoon only, or both: a meeting with one
	// who attends one session is bound to it, and two who never meet in a session cannot meet.
	attends := make([]string, n)
	mornings, afternoons := 30+r.IntN(20), 10+r.IntN(15) // in hundredths
	for i := range n {
		attends[i] = Any
		switch x := r.IntN(100); {
		case x < mornings:
			attends[i] = Morning
		case x < mornings+afternoons:
			attends[i] = Afternoon
		}
		pt := Participant{ID: fmt.Sprintf("x%02d", i)}
		if r.IntN(12) == 0 {
			pt.Unavailable = []int{1 + r.IntN(slots)}
		}
		p.Participants = append(p.Participants, pt)
	}
	// A fifth of the participants are sought by many (buyers, big producers): the rest meet few.
	weight := make([]int, n)
	for i := range weight {
		weight[i] = 1
		if r.IntN(5) == 0 {
			weight[i] = 4
		}
	}
	pick := func() int {
		for {
			if i := r.IntN(n); r.IntN(4) < weight[i] {
				return i
			}
		}
	}
	capOf := func(i int) int {
		switch attends[i] {
		case Morning:
			return morning - 2
		case Afternoon:
			return slots - morning - 2
		}
		return slots - 4
	}
	load := make([]int, n)
	pairs := map[[2]int]bool{}
	for try := 0; len(p.Meetings) < meetings && try < meetings*100; try++ {
		a, b := pick(), pick()
		if a > b {
			a, b = b, a
		}
		session, ok := sessionOf(attends[a], attends[b])
		if a == b || !ok || pairs[[2]int{a, b}] || load[a] >= capOf(a) || load[b] >= capOf(b) {
			continue
		}
		pairs[[2]int{a, b}] = true
		load[a]++
		load[b]++
		p.Meetings = append(p.Meetings, Meeting{ID: fmt.Sprintf("m%03d", len(p.Meetings)),
			Participants: []string{fmt.Sprintf("x%02d", a), fmt.Sprintf("x%02d", b)}, Session: session})
	}
	// Tables: enough for the busier session's bound meetings and the day's, from just enough
	// (they bind) to a fifth more, within 12–22.
	bound := 0
	for _, m := range p.Meetings {
		if m.Session == Morning {
			bound++
		}
	}
	need := max((bound+morning-1)/morning, (len(p.Meetings)+slots-1)/slots)
	p.Tables = min(22, max(12, int(float64(need)*(1+0.25*r.Float64())+0.999)))
	return p
}

// sessionOf is the session of a meeting between participants attending sessions a and b; false
// when they attend none together.
func sessionOf(a, b string) (string, bool) {
	switch {
	case a == Any:
		return b, true
	case b == Any || a == b:
		return a, true
	}
	return "", false
}
