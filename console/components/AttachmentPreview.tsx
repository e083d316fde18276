import { useEffect, useState } from 'preact/hooks';
import { formatBytes } from '../lib/upload.ts';

/** The chosen file before it is sent: a thumbnail for images, name and size, and a way to drop it. */
export function AttachmentPreview({ file, progress, onRemove }: { file: File; progress: number | null; onRemove: () => void }) {
  const [thumb, setThumb] = useState<string | null>(null);
  useEffect(() => {
    if (!file.type.startsWith('image/')) return setThumb(null);
    const url = URL.createObjectURL(file);
    setThumb(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);
  return (
    <div class="attachment-preview" data-testid="attachment-preview">
      {thumb ? <img src={thumb} alt="" class="attachment-preview__thumb" /> : <span aria-hidden="true" class="attachment-preview__icon">📄</span>}
      <span class="attachment-preview__name">{file.name || 'archivo'}</span>
      <span class="attachment-preview__size">{formatBytes(file.size)}</span>
      {progress !== null ? (
        <progress data-testid="upload-progress" max={1} value={progress} aria-label="Subiendo archivo" />
      ) : (
        <button type="button" class="button button--small button--light" onClick={onRemove} aria-label="Quitar archivo">
          ✕
        </button>
      )}
    </div>
  );
}
