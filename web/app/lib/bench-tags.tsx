import { useT } from '../i18n.ts';

/** A machine's `agent bench` figures as tags on its offers: CPU score, 720p encode rate, and the GPU's where it has one. */
export function BenchTags(props: { cpuScore: number | null; encodeFps: number | null; gpuEncodeFps: number | null }) {
  const t = useT();
  return (
    <>
      {props.cpuScore !== null ? <span className="tag">CPU {props.cpuScore}</span> : null}
      {props.encodeFps !== null ? (
        <span className="tag" title={t('web-bench-encode-title')}>
          {t('web-bench-encode', { fps: props.encodeFps })}
        </span>
      ) : null}
      {props.gpuEncodeFps !== null ? (
        <span className="tag" title={t('web-bench-encode-title')}>
          {t('web-bench-gpu-encode', { fps: props.gpuEncodeFps })}
        </span>
      ) : null}
    </>
  );
}
