//! Tests of the Go importer: plain programs, closures, wg.Go, range over int, and errors at their places.

use super::*;
use crate::core::scenario::Op;

fn ok(src: &str) -> Scenario {
    import(src).unwrap_or_else(|es| panic!("{}", es.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")))
}

fn errs(src: &str) -> Vec<String> {
    import(src).unwrap_err().iter().map(|e| e.to_string()).collect()
}

#[test]
fn a_plain_program() {
    let s = ok(r#"package main

import (
	"runtime"
	"sync"
	"time"
)

func worker(jobs chan int, wg *sync.WaitGroup, id int) {
	defer wg.Done()
	v := <-jobs
	_ = v
	time.Sleep(2 * time.Millisecond)
}

func main() {
	runtime.GOMAXPROCS(2)
	jobs := make(chan int, 3)
	var wg sync.WaitGroup
	for i := 0; i < 3; i++ {
		wg.Add(1)
		go worker(jobs, &wg, i)
	}
	for i := range 3 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	runtime.Gosched()
}
"#);
    assert_eq!(s.gomaxprocs, 2);
    assert_eq!(s.chans.len(), 1);
    assert_eq!(s.chans[0].cap, 3);
    assert_eq!(s.funcs.len(), 1);
    assert_eq!(s.funcs[0].name, "worker(jobs, &wg)");
    assert_eq!(s.funcs[0].body, vec![Op::Recv(0), Op::Sleep(2_000_000), Op::Done(0)]);
    assert_eq!(
        s.main,
        vec![
            Op::Repeat { n: 3, body: vec![Op::Add { wg: 0, n: 1 }, Op::Go { func: 0, n: 1 }] },
            Op::For { n: 3, var: "i".into(), from: 0, body: vec![Op::SendValue { chan: 0, value: crate::core::scenario::Arg::Var("i".into()) }] },
            Op::Close(0),
            Op::Wait(0),
            Op::Gosched
        ]
    );
}

#[test]
fn closures_wg_go_and_range_over_int() {
    let s = ok(r#"package main

import "sync"

func main() {
	var wg sync.WaitGroup
	done := make(chan struct{})
	for range 2 {
		wg.Go(func() {
			<-done
		})
	}
	go func(c chan struct{}, n int) {
		for j := 0; j <= 1; j++ {
			c <- struct{}{}
		}
	}(done, 7)
	for i := 0; i < 4; i++ {
		go func() {}()
	}
	wg.Wait()
}
"#);
    let names: Vec<&str> = s.funcs.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["main.func1", "main.func2", "main.func3"]);
    assert_eq!(s.funcs[0].body, vec![Op::Recv(0), Op::Done(0)]);
    assert_eq!(s.funcs[1].body, vec![Op::Repeat { n: 2, body: vec![Op::Send(0)] }]);
    assert_eq!(
        s.main,
        vec![
            Op::Repeat { n: 2, body: vec![Op::Add { wg: 0, n: 1 }, Op::Go { func: 0, n: 1 }] },
            Op::Go { func: 1, n: 1 },
            Op::Go { func: 2, n: 4 },
            Op::Wait(0)
        ]
    );
}

#[test]
fn every_unsupported_construct_is_reported_at_its_place() {
    let e = errs("package main\n\nimport \"sync\"\n\nfunc main() {\n\tvar mu sync.Mutex\n\tselect {}\n\tif true {\n\t}\n\tswitch {\n\t}\n\tm := map[int]int{}\n\tfor {\n\t}\n}\n");
    assert_eq!(e.len(), 6, "{e:?}");
    assert!(e[0].starts_with("main.go:6:6: the variable mu is not simulated"), "{e:?}");
    assert!(e[1].starts_with("main.go:7:2: a select statement is not simulated"), "{e:?}");
    assert!(e[2].starts_with("main.go:8:2: an if statement is not simulated"), "{e:?}");
    assert!(e[3].starts_with("main.go:10:2: a switch statement is not simulated"), "{e:?}");
    assert!(e[4].starts_with("main.go:12:4: this assignment is not simulated"), "{e:?}");
    assert!(e[5].starts_with("main.go:13:2: a for loop that is not counted"), "{e:?}");
}

#[test]
fn syntax_errors_and_missing_main() {
    assert_eq!(errs("package main\nfunc main() {\n\tgo (\n}\n"), ["main.go:4:1: syntax error: unexpected }, expected expression"]);
    assert_eq!(errs("package main\n"), ["main.go: function main is undeclared in the main package"]);
    assert_eq!(errs("package foo\nfunc main() {}\n"), ["main.go:1:9: package foo is not a main package"]);
}

#[test]
fn printing_what_is_not_followed_is_reported() {
    let e = errs("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tx := []int{}\n\tfmt.Println(len(x), 1)\n\tfmt.Printf(\"%d\\n\")\n\tfmt.Print(1)\n}\n");
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].starts_with("main.go:6:4: this assignment is not simulated"), "{e:?}");
    assert!(e[1].starts_with("main.go:7:14: this expression is not simulated as a value"), "{e:?}");
    assert!(e[2].starts_with("main.go:9:2: fmt.Print is not simulated"), "{e:?}");
}

#[test]
fn recursion_is_refused() {
    let e = errs("package main\n\nfunc f() {\n\tf()\n}\n\nfunc main() {\n\tf()\n}\n");
    assert!(e.iter().all(|e| e.contains("a recursive call is not simulated")), "{e:?}");
}

#[test]
fn the_directive_carries_settings_and_names() {
    let s = ok("package main\n\n//gmp:scenario {\"name\":\"n\",\"seed\":9,\"go\":\"1.22\",\"names\":{\"fnW\":\"w\",\"chC\":\"c\"},\"actions\":[{\"at_step\":3,\"spawn\":{\"func\":\"w\"}}]}\n\nvar chC = make(chan struct{}, 1)\n\nfunc main() {\n\tchC <- struct{}{}\n\tspawn(fnW)\n}\n\nfunc fnW() {\n\t<-chC\n}\n");
    assert_eq!((s.name.as_str(), s.seed, s.go), ("n", 9, 22));
    assert_eq!(s.funcs[0].name, "w");
    assert_eq!(s.chans[0].name, "c");
    assert_eq!(s.actions.len(), 1);
    let e = errs("package main\n\n//gmp:scenario {\"sed\":1}\n//gmp:other\n//gmp:scenario [\n\nfunc main() {}\n");
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].starts_with("main.go:3:1: //gmp:scenario: unknown field \"sed\""), "{e:?}");
    assert!(e[1].starts_with("main.go:4:1: unknown directive //gmp:other"), "{e:?}");
    assert!(e[2].starts_with("main.go:5:1: //gmp:scenario: "), "{e:?}");
}

#[test]
fn durations_and_counts_are_constants() {
    let s = ok("package main\n\nimport (\n\t\"runtime\"\n\t\"time\"\n)\n\nfunc main() {\n\truntime.GOMAXPROCS(3)\n\ttime.Sleep(2*time.Second + 500*time.Millisecond)\n\tfor i := 1; i <= 2*3; i += 1 {\n\t\truntime.GOMAXPROCS(2)\n\t}\n}\n");
    assert_eq!(s.gomaxprocs, 3);
    assert_eq!(s.main, vec![Op::Sleep(2_500_000_000), Op::Repeat { n: 6, body: vec![Op::Gomaxprocs(2)] }]);
    let e = errs("package main\n\nimport \"time\"\n\nfunc main() {\n\tn := 3\n\ttime.Sleep(n)\n\tfor i := 0; i < n; i++ {\n\t}\n}\n");
    assert!(e[0].starts_with("main.go:7:13: a duration must be a constant"), "{e:?}");
    assert!(e[1].starts_with("main.go:8:18: a for clause other than"), "{e:?}");
}

#[test]
fn limits_of_the_scenario_are_reported_at_the_function() {
    let mut src = String::from("package main\n\nfunc main() {\n");
    for d in 0..17 {
        src.push_str(&format!("{}for range 2 {{\n", "\t".repeat(d + 1)));
    }
    src.push_str("runtime.Gosched()\n");
    for d in (0..17).rev() {
        src.push_str(&format!("{}}}\n", "\t".repeat(d + 1)));
    }
    src.push_str("}\n");
    let e = errs(&src.replace("package main\n", "package main\n\nimport \"runtime\"\n"));
    // At the 17th loop, the first one too deep.
    assert!(e[0].starts_with("main.go:22:18: in the scenario it stands for, main[0]"), "{e:?}");
}

/// What a run prints, from its `Print` events.
fn printed(s: &Scenario) -> String {
    let mut sim = crate::core::sim::Sim::new(s);
    let mut out = String::new();
    while sim.step() {
        for e in sim.events() {
            if let crate::core::event::What::Print { text } = &e.what {
                out.push_str(text);
            }
        }
    }
    out
}

const PRINTING: &str = r#"package main

import (
	"fmt"
	"runtime"
)

const greeting = "hello"
const n = 2

func show(id int, ch chan int) {
	for v := range ch {
		fmt.Printf("%s %d got %d\n", greeting, id, v)
	}
}

func main() {
	runtime.GOMAXPROCS(1)
	ch := make(chan int)
	go show(7, ch)
	for i := 10; i < 10+n; i++ {
		ch <- i
	}
	close(ch)
	v := 5
	fmt.Println("main", v, n)
	for i := range 2 {
		go func() {
			fmt.Println("closure", i)
		}()
	}
	runtime.Gosched()
}
"#;

#[test]
fn printing_follows_constants_parameters_loop_variables_and_received_values() {
    let s = ok(PRINTING);
    // go show(7, ch) runs after main blocks on the unbuffered send; each closure gets its
    // own i (Go 1.22+); main prints before it yields.
    // main blocks sending 10; show takes it from main (readied into runnext) and blocks
    // again; main hands 11 to show (now in runnext), prints, and its two go statements each
    // take runnext, kicking the previous one to the local queue: closure 1, show, closure 0.
    assert_eq!(printed(&s), "hello 7 got 10\nmain 5 2\nclosure 1\nhello 7 got 11\nclosure 0\n");
    // The scenario says it in its own words and reads back the same.
    let back = scenario::parse(&s.to_json()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn the_source_map_gives_each_op_and_goroutine_its_line() {
    let (s, map) = import_with_map(PRINTING).unwrap();
    // The send in main's counted loop is on line 22, the print in show on line 13.
    assert_eq!(map.line_of("main[1].repeat.body[0]"), Some(22), "{map:?}");
    assert_eq!(map.line_of("funcs.show(ch)[0].range.body[0]"), Some(13), "{map:?}");
    assert_eq!(map.funcs.get("main").map(|p| p.line), Some(17));
    // Stepping: the goroutine running show blocks in its range receive (line 12) at some
    // step, main blocks in its send (line 22), and every line is in a function body.
    let mut sim = crate::core::sim::Sim::new(&s);
    let mut seen = std::collections::BTreeSet::new();
    while sim.step() {
        for (g, line) in map.goroutine_lines(sim.program(), &sim.snapshot(true)) {
            seen.insert((g.to_string(), line));
        }
    }
    assert!(seen.contains(&("G2".to_string(), 12)), "{seen:?}");
    assert!(seen.contains(&("G1".to_string(), 22)), "{seen:?}");
    assert!(seen.iter().all(|(_, l)| (12..=32).contains(l)), "{seen:?}");
}

#[test]
fn range_over_a_channel_and_constants_are_ops() {
    let s = ok("package main\n\nconst (\n\tk = 3\n\tname = \"x\"\n)\n\nfunc main() {\n\tc := make(chan int, k)\n\tfor i := range k {\n\t\tc <- i\n\t}\n\tclose(c)\n\tfor range c {\n\t}\n}\n");
    assert_eq!(s.chans[0].cap, 3);
    assert!(matches!(&s.main[2], Op::Range { chan: 0, var: None, body } if body.is_empty()), "{:?}", s.main);
    let s = ok("package main\n\nimport \"fmt\"\n\nconst (\n\ta = iota * 10\n\tb\n\tc\n)\n\nfunc main() {\n\tfmt.Println(a, b, c)\n}\n");
    assert_eq!(printed(&s), "0 10 20\n");
    let e = errs("package main\n\nconst (\n\ta = 1.5\n\tb\n)\n\nfunc main() {}\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("main.go:4:6: a constant that is not an integer or a string is not simulated"), "{e:?}");
    // A go inside a range over a channel: one goroutine per value, each with its own v.
    let s = ok("package main\n\nimport \"fmt\"\n\nfunc main() {\n\tc := make(chan string, 2)\n\tc <- \"a\"\n\tc <- \"b\"\n\tclose(c)\n\tfor v := range c {\n\t\tgo func() {\n\t\t\tfmt.Println(v)\n\t\t}()\n\t}\n\tfmt.Println(\"main\")\n}\n");
    assert!(matches!(&s.main[3], Op::Range { body, .. } if matches!(&body[..], [Op::GoArgs { .. }])), "{:?}", s.main);
    let mut sim = crate::core::sim::Sim::new(&s);
    sim.run(10_000);
    assert_eq!(sim.outcome(), Some(&crate::core::sim::Outcome::Exit));
    // Unless its goroutines send on the channel it ranges over: said at the go.
    let e = errs("package main\n\nfunc main() {\n\tc := make(chan int, 1)\n\tc <- 1\n\tfor v := range c {\n\t\tgo func() {\n\t\t\tc <- v\n\t\t}()\n\t}\n}\n");
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("main.go:7:3: in the scenario it stands for") && e[0].contains("whose values have no bound"), "{e:?}");
}

#[test]
fn unset_variables_hold_their_types_zero_and_export_runs_them() {
    // f is started once with x set and once without (by a plain go): the second prints x's
    // zero value, "" for a string, as Go does with the literal export writes.
    let s = scenario::parse(r#"{"version":1,"gomaxprocs":1,"funcs":{"f":[{"print":{"args":[{"var":"x"},1]}}]},"main":[{"go":"f"},{"go":{"func":"f","args":{"x":"s"}}},"gosched"]}"#).unwrap();
    assert_eq!(printed(&s), "s 1\n 1\n");
    let go = crate::core::export::go_program(&s);
    assert!(go.contains("spawn(func() { fnF(\"\") })") && go.contains("func fnF(x string) {"), "{go}");
    let back = ok(&go);
    assert_eq!(printed(&back), printed(&s));
}

#[test]
fn every_value_op_survives_export_and_import() {
    let s = scenario::parse(
        r#"{"version":1,"gomaxprocs":1,"chans":{"c":2,"d":0},
        "funcs":{"f":[{"print":{"format":"%d|%s|%v\n","args":[{"var":"x"},"é\"\\\t",{"var":"y"}]}},{"send":{"chan":"c","value":{"var":"x"}}},{"send":"d"}],
                 "g":[{"range":{"chan":"c","var":"v","body":[{"print":{"args":[{"var":"v"}]}}]}},{"recv":{"chan":"d","into":"u"}},{"print":{"args":[{"var":"u"}]}},{"range":{"chan":"c","body":[]}}]},
        "main":[{"go":"g"},{"repeat":{"n":3,"var":"i","from":-1,"body":[{"go":{"func":"f","args":{"x":{"var":"i"},"y":7}}}]}},{"go":{"func":"f","n":2,"args":{"x":9,"y":"s"}}},{"sleep":"1ms"},{"close":"c"},{"sleep":"1ms"},{"print":{"args":[]}}]}"#,
    )
    .unwrap();
    let go = crate::core::export::go_program(&s);
    let back = ok(&go);
    let want = printed(&s);
    assert!(want.contains("-1|é\"\\\t|7\n") && want.contains("9|é\"\\\t|s\n"), "{want:?}");
    assert_eq!(printed(&back), want, "{go}");
    // The same events, step by step.
    let (mut a, mut b) = (crate::core::sim::Sim::new(&s), crate::core::sim::Sim::new(&back));
    while a.step() {
        assert!(b.step());
        assert_eq!(a.events(), b.events());
    }
}

#[test]
fn a_closed_channel_gives_its_declared_types_zero_value() {
    let src = "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tnames := make(chan string)\n\tclose(names)\n\tfmt.Printf(\"%q\\n\", <-names)\n\tdone := make(chan struct{})\n\tclose(done)\n\tfmt.Println(<-done)\n\tbox := make(chan any, 1)\n\tbox <- 5\n\tclose(box)\n\tfmt.Println(<-box, <-box)\n\tc := make(chan int)\n\tclose(c)\n\tfmt.Println(<-c)\n}\n";
    let s = ok(src);
    assert_eq!(printed(&s), "\"\"\n{}\n5 <nil>\n0\n");
    let tys: Vec<_> = s.chans.iter().map(|c| c.elem).collect();
    assert_eq!(tys, [Ty::Str, Ty::Unit, Ty::Any, Ty::Unknown]);
    // Only the channels whose sends do not tell their type write it.
    let json = s.to_json();
    assert!(json.contains(r#""names": {"cap": 0, "type": "string"}"#) && json.contains(r#""c": 0"#), "{json}");
    assert_eq!(scenario::parse(&json).unwrap(), s);
    // Export writes the declared types; importing it back prints the same.
    let go = crate::core::export::go_program(&s);
    assert!(go.contains("make(chan string)") && go.contains("make(chan struct{})") && go.contains("make(chan any, 1)"), "{go}");
    assert_eq!(printed(&ok(&go)), printed(&s));
    // A channel of another element type is refused at the type.
    let e = errs("package main\n\nfunc main() {\n\tc := make(chan bool)\n\tclose(c)\n}\n");
    assert_eq!(e, ["main.go:4:12: a channel of this element type (chan int, chan string, chan struct{} and chan any are) is not simulated (see the Go subset in ARCHITECTURE.md)"]);
    let p = scenario::parse(r#"{"version":1,"chans":{"a":{"cap":1,"type":"bool"},"b":{"type":"int"},"c":{"cap":0,"kind":1}},"main":[]}"#).unwrap_err();
    let p: Vec<String> = p.iter().map(|p| p.to_string()).collect();
    assert!(p.iter().any(|p| p.contains("chans.a.type") && p.contains(r#""int", "string", "struct{}" or "any""#)), "{p:?}");
    assert!(p.iter().any(|p| p.starts_with("chans.b")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("kind")), "{p:?}");
}

#[test]
fn problems_of_lowering_and_of_validation_are_reported_together() {
    // An unsupported statement (lowering) between two problems that only validating the
    // scenario finds (too many goroutines; a loop nested too deep), all at once, in order.
    let mut deep = String::new();
    for _ in 0..17 {
        deep.push_str("for range 2 {\n");
    }
    deep.push_str("runtime.Gosched()\n");
    deep.push_str(&"}\n".repeat(17));
    let src = format!("package main\n\nimport \"runtime\"\n\nfunc f() {{}}\n\nfunc main() {{\n\tfor range 3000000 {{\n\t\tgo f()\n\t}}\n\tselect {{}}\n{deep}}}\n");
    let e = errs(&src);
    assert_eq!(e.len(), 3, "{e:?}");
    assert!(e[0].starts_with("main.go: in the scenario it stands for") && e[0].contains("3000001 goroutines"), "{e:?}");
    assert!(e[1].starts_with("main.go:11:2: a select statement is not simulated"), "{e:?}");
    assert!(e[2].starts_with("main.go:28:") && e[2].contains("nested 17 deep"), "{e:?}");
}
