import { For, Match, Switch, type JSX } from 'solid-js';
import { parseWhatsApp, type Block, type Inline } from '../../../shared/whatsapp-format.ts';

/*
 * A message's WhatsApp formatting as text styles (shared/whatsapp-format.ts), for the agent
 * view and the web chat widget alike. Every piece of the customer's or agent's text becomes
 * a text node: nothing is ever parsed as HTML. Links open in a new tab, without the opener.
 */

function Spans(props: { list: Inline[] }): JSX.Element {
  return (
    <For each={props.list}>
      {(x) => (
        <Switch>
          <Match when={x.t === 'text' && x}>{(v) => v().v}</Match>
          <Match when={x.t === 'bold' && x}>{(v) => <strong>{<Spans list={v().c} />}</strong>}</Match>
          <Match when={x.t === 'italic' && x}>{(v) => <em>{<Spans list={v().c} />}</em>}</Match>
          <Match when={x.t === 'strike' && x}>{(v) => <s>{<Spans list={v().c} />}</s>}</Match>
          <Match when={x.t === 'code' && x}>{(v) => <code>{v().v}</code>}</Match>
          <Match when={x.t === 'link' && x}>
            {(v) => (
              <a href={v().href} target="_blank" rel="noopener noreferrer">
                {v().v}
              </a>
            )}
          </Match>
        </Switch>
      )}
    </For>
  );
}

function Lines(props: { lines: Inline[][] }): JSX.Element {
  return <For each={props.lines}>{(line, i) => [i() > 0 ? '\n' : '', <Spans list={line} />]}</For>;
}

function BlockView(props: { block: Block }): JSX.Element {
  const b = props.block;
  switch (b.t) {
    case 'p':
      return <Lines lines={b.lines} />;
    case 'pre':
      return <pre>{b.v}</pre>;
    case 'ul':
      return <ul>{<For each={b.items}>{(item) => <li>{<Spans list={item} />}</li>}</For>}</ul>;
    case 'ol':
      return <ol start={b.start}>{<For each={b.items}>{(item) => <li>{<Spans list={item} />}</li>}</For>}</ol>;
  }
}

/** The text, formatted, inside an element of the caller's class (white-space: pre-wrap). */
export function FormattedText(props: { text: string; class: string }): JSX.Element {
  const blocks = () => parseWhatsApp(props.text);
  return (
    <div class={props.class} data-formatted="">
      <For each={blocks()}>{(b) => <BlockView block={b} />}</For>
    </div>
  );
}
