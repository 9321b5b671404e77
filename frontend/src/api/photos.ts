// A need's photos: adding one (the raw picture, re-encoded by the server without EXIF or GPS),
// showing it to the public or taking it back, removing it.
import { call, client, upload, type Schemas } from './client'

/** A picture to send (a `File` from an input is one). */
export type Picture = Blob

export function addNeedPhoto(needId: number, file: Picture) {
  return upload<Schemas['PhotoRef']>(`/api/v1/needs/${needId}/photos`, file)
}

/** Publishes a photo (a draft's cadre) or takes it back from public view (cadres, verifiers). */
export function setPhotoPublic(needId: number, photoId: string, visible: boolean) {
  return call(client.PATCH('/api/v1/needs/{id}/photos/{photo_id}', { params: { path: { id: needId, photo_id: photoId } }, body: { public: visible } }))
}

export function removeNeedPhoto(needId: number, photoId: string) {
  return call(client.DELETE('/api/v1/needs/{id}/photos/{photo_id}', { params: { path: { id: needId, photo_id: photoId } } }))
}
