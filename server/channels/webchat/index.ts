import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { activeWebchatChannel } from '../../../db/queries/webchat.ts';
import type { HttpMounts } from '../../http/server.ts';
import type { Services } from '../../services/index.ts';
import { handleWebchatApi, type WebchatContext } from './api.ts';
import { WebchatDelivery } from './delivery.ts';
import { WebchatLimits, type WebchatLimitOptions } from './limits.ts';
import { WebchatStreams } from './stream.ts';
import { handleWidget } from './widget.ts';

export interface WebchatOptions extends WebchatLimitOptions {
  /** Where the built client lives (the widget page is <clientDir>/widget/index.html). */
  clientDir?: string;
  /** Safety-net poll of the queued → sent worker (it is woken by events anyway). */
  deliveryPollMs?: number;
}

export interface RunningWebchat {
  routes: HttpMounts['routes'];
  streams: WebchatStreams;
  stop(): Promise<void>;
}

const DEFAULT_CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'dist', 'client');

/** The customer web chat channel: /widget (page and embed script), /webchat (its API), its delivery worker. */
export function startWebchat(s: Services, options: WebchatOptions = {}): RunningWebchat {
  const delivery = new WebchatDelivery(s, options.deliveryPollMs);
  const streams = new WebchatStreams(s);
  const ctx: WebchatContext = {
    s,
    limits: new WebchatLimits({ uploadBytesPerIpPerHour: s.env.WEBCHAT_UPLOAD_IP_BYTES_PER_HOUR, ...options }, s.redis),
    streams,
  };
  const clientDir = options.clientDir ?? DEFAULT_CLIENT_DIR;
  delivery.start();
  streams.start();
  return {
    streams,
    routes: [
      {
        prefix: '/widget',
        handle: (req, res) =>
          handleWidget(clientDir, req, res, async (id) => (await activeWebchatChannel(s.sql, id))?.allowedSites ?? null),
      },
      { prefix: '/webchat', handle: (req, res) => handleWebchatApi(ctx, req, res) },
    ],
    async stop() {
      streams.stop();
      await delivery.stop();
    },
  };
}
